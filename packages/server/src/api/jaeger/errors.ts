import type { FastifyReply } from 'fastify';
import { goJsonStringify } from './go-json.js';

/**
 * A request Jaeger's query service would refuse, with the status and the message it would give. Handlers throw it;
 * the plugin's error handler writes it in the envelope of the API that was called.
 */
export class JaegerApiError extends Error {
  override readonly name = 'JaegerApiError';
  constructor(
    readonly status: 400 | 404 | 500,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): JaegerApiError => new JaegerApiError(400, message);

/** spanstore.ErrTraceNotFound's text. */
export const TRACE_NOT_FOUND = 'trace not found';

/** v1's structuredResponse carrying one structuredError (http_handler.go handleError). */
export function v1ErrorBody(status: number, message: string): string {
  return goJsonStringify({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: status, msg: message }] });
}

/** api_v3's GRPCGatewayError (apiv3/http_gateway.go tryHandleError). */
export function v3ErrorBody(status: number, message: string): string {
  return goJsonStringify({ error: { httpCode: status, message } });
}

/**
 * Sends an error body the way Go's http.Error does, which is how Jaeger sends every error: text/plain content type,
 * nosniff, and a trailing newline. Clients parse the body as JSON regardless of the content type.
 */
export function sendGoHttpError(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .send(body + '\n');
}
