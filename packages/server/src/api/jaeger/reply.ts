import type { FastifyReply, FastifyRequest } from 'fastify';
import { goJsonStringify } from './go-json.js';

/** A trace-not-found entry or other per-item error inside a successful v1 answer. */
export interface V1ItemError {
  readonly code?: number;
  readonly msg: string;
  readonly traceID?: string;
}

/** The query string as Go's url.Query() sees it: repeated keys kept, first value wins for a single read. */
export function queryOf(request: FastifyRequest): URLSearchParams {
  const i = request.url.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : request.url.slice(i + 1));
}

/**
 * Sends v1's structuredResponse. Jaeger fills total only for services and operations (0 elsewhere, even for
 * searches), never fills limit or offset, and writes errors as null when there are none.
 * `prettyPrint` (any value but "false") indents by four spaces, as Jaeger does.
 */
export function sendV1(
  request: FastifyRequest,
  reply: FastifyReply,
  data: unknown,
  opts: { total?: number; errors?: readonly V1ItemError[] } = {},
): FastifyReply {
  const body = { data, total: opts.total ?? 0, limit: 0, offset: 0, errors: opts.errors && opts.errors.length > 0 ? opts.errors : null };
  return reply.header('content-type', 'application/json').send(goJsonStringify(body, prettyIndent(request)));
}

/** The indent v1's answers take: four spaces when `prettyPrint` is given as anything but "false", as Jaeger does. */
export function prettyIndent(request: FastifyRequest): string | undefined {
  const pretty = queryOf(request).get('prettyPrint');
  return pretty !== null && pretty !== '' && pretty !== 'false' ? '    ' : undefined;
}

/** Sends an api_v3 answer (proto3 JSON, which leaves out empty lists). */
export function sendV3(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('content-type', 'application/json').send(JSON.stringify(body));
}
