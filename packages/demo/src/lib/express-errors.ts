import type { ErrorRequestHandler } from 'express';
import { HttpError } from './http-json.js';
import { log } from './log.js';

/**
 * Answers a failed downstream call as a gateway does: its 4xx passes through (the caller's mistake), its 5xx becomes
 * 502 (ours to own), anything else 500.
 */
export const downstreamErrors: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof HttpError && err.status < 500) {
    res.status(err.status).json(err.body);
    return;
  }
  log.error({ err }, 'request failed');
  res.status(err instanceof HttpError ? 502 : 500).json({ error: (err as Error).message });
};
