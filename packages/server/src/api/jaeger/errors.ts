import type { FastifyReply } from 'fastify';
import { goJsonStringify } from './go-json.js';

/** spanstore.ErrTraceNotFound's text. */
export const ERR_TRACE_NOT_FOUND = 'trace not found';

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
