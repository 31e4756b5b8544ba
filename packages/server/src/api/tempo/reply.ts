import type { FastifyReply } from 'fastify';

/**
 * A request Tempo would refuse, with its status and text. Tempo answers bad parameters and unparsable TraceQL with
 * 400 and the error's text as a plain-text body, and an unknown trace with 404 "trace not found".
 */
export class TempoApiError extends Error {
  override readonly name = 'TempoApiError';
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): TempoApiError => new TempoApiError(400, message);

/** Sends an error as Tempo does (Go's http.Error): the text and a newline, as plain text. */
export function sendText(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(`${message}\n`);
}

/** Sends JSON as Tempo does: `application/json` exactly. */
export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}
