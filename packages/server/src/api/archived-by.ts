import type { FastifyRequest } from 'fastify';

/**
 * Who archives a trace: with auth on, the request's token (its name in auth.tokens, else its tenant), whatever the
 * body says; with auth off, the name the caller gave, or `anonymous`.
 */
export function archivedBy(request: FastifyRequest, given?: string): string {
  if (request.scope !== null) return request.tokenName ?? request.tenant;
  return given ?? 'anonymous';
}
