import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../errors.js';
import { asClewError, ClewError } from '../errors.js';

/** Fastify's own refusals by status: a body it cannot parse, a media type it has no parser for, a body over bodyLimit. */
const FASTIFY_REFUSALS: Readonly<Partial<Record<number, ErrorCode>>> = {
  400: 'MALFORMED_REQUEST',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** A thrown value as the ClewError a query API answers with; fastify's own 4xx refusals keep their status and text. */
export function apiErrorOf(err: unknown): ClewError {
  if (err instanceof ClewError) return err;
  const { statusCode, message } = (typeof err === 'object' && err !== null ? err : {}) as Partial<FastifyError>;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof message === 'string') {
    return new ClewError(FASTIFY_REFUSALS[statusCode] ?? 'MALFORMED_REQUEST', message, { cause: err });
  }
  return asClewError(err);
}

/** Writes a ClewError in one API's envelope. */
export type SendApiError = (reply: FastifyReply, err: ClewError, request: FastifyRequest) => FastifyReply;

/**
 * The error handler of one query API: whatever its routes threw as a ClewError (see apiErrorOf), logged when it is
 * internal, and written by `send` in the API's own envelope.
 * @example app.setErrorHandler(apiErrorHandler('zipkin api', (reply, err) => sendText(reply, err.httpStatus, err.message)))
 */
export function apiErrorHandler(api: string, send: SendApiError) {
  return (err: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const e = apiErrorOf(err);
    if (e.code === 'INTERNAL') request.log.error({ err }, `${api}: internal error`);
    if (e.retryAfterSeconds !== undefined) void reply.header('retry-after', String(e.retryAfterSeconds));
    return send(reply, e, request);
  };
}
