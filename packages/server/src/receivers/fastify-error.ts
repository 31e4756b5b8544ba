import { asClewError, ClewError } from '../errors.js';

/** Fastify's own refusals (body over bodyLimit, bad framing, unknown route) in Clew's terms, for any HTTP receiver. */
export function fastifyErrorToClew(err: Error & { statusCode?: number; code?: string }, maxBytes: number): ClewError {
  if (err instanceof ClewError) return err;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    return new ClewError(
      'PAYLOAD_TOO_LARGE',
      `request body is larger than the limit of ${maxBytes} bytes; send smaller batches or raise limits.maxRequestBytes`,
    );
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new ClewError('MALFORMED_REQUEST', err.message);
  }
  return asClewError(err);
}
