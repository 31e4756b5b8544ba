import type { FastifyReply } from 'fastify';

/** Sends an error as Tempo does (Go's http.Error): the text and a newline, as plain text. */
export function sendText(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(`${message}\n`);
}

/** Sends JSON as Tempo does: `application/json` exactly. */
export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}
