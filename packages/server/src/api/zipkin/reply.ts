import type { FastifyReply } from 'fastify';

/** Sends JSON as Zipkin does: `application/json` exactly (a Buffer, so fastify adds no charset). */
export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}

/**
 * Sends a list of names. Zipkin lets clients cache names for 5 minutes once more than 3 services exist (an
 * installation in real use), and not before, so that people trying it out see new names at once.
 */
export function sendNames(reply: FastifyReply, names: readonly string[], serviceCount: number): FastifyReply {
  if (serviceCount > 3) reply.header('cache-control', 'max-age=300, must-revalidate');
  return sendJson(reply, names);
}

/** Sends an error as Zipkin does: the message as plain text. */
export function sendText(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(message);
}
