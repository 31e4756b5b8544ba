import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../errors.js';
import type { Authenticator, Need } from './authenticator.js';
import type { TenantLimits } from './tenant-limits.js';

/** What the requests of one listener need of their token, by method and path (without the query); null for nothing. */
export type NeedOf = (method: string, path: string) => Need | null;

export interface HttpAuthOptions {
  /** Absent when auth is off: every request is DEFAULT_TENANT's. */
  readonly authenticator?: Authenticator | undefined;
  readonly need: NeedOf;
  /** Per-tenant limits checked before a write's body is read (its Content-Length against maxRequestBytes). */
  readonly limits?: TenantLimits | undefined;
}

/**
 * Authenticates every request of `app` before its body is read: sets `request.tenant` and `request.scope`, or
 * refuses with a ClewError that the route's own error handler writes in its protocol's envelope (a 401 also says
 * `WWW-Authenticate: Bearer`). Registered on the root app, so it covers every plugin and the not-found handler.
 */
export function httpAuth(app: FastifyInstance, opts: HttpAuthOptions): void {
  const { authenticator, limits } = opts;
  app.addHook('onRequest', async (request, reply) => {
    const need = opts.need(request.method, pathOf(request));
    if (need === null) return;
    if (authenticator !== undefined) {
      try {
        const id = authenticator.authenticate(header(request, 'authorization'), header(request, 'x-scope-orgid'), need);
        request.tenant = id.tenant;
        request.scope = id.scope;
        request.tokenName = id.name ?? null;
      } catch (err) {
        if (err instanceof ClewError && err.code === 'UNAUTHENTICATED') void reply.header('www-authenticate', 'Bearer realm="clew"');
        throw err;
      }
    }
    const length = Number(request.headers['content-length']);
    if (need === 'write' && limits !== undefined && Number.isFinite(length)) limits.checkRequestBytes(request.tenant, length);
  });
}

const pathOf = (request: FastifyRequest): string => {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
};

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Listeners' needs. */
export const NEEDS = {
  /** OTLP/HTTP: everything writes. */
  otlpHttp: (): Need => 'write',
  /** The query port: the APIs read; remote sampling takes any token; the UI's files, /health and /metrics none. */
  query: (_method: string, path: string): Need | null => {
    if (path === '/api/sampling') return 'any';
    if (path.startsWith('/api/') || path === '/api' || path === '/mcp' || path === '/metrics/traces') return 'read';
    return null;
  },
  /** Zipkin's port: its collector writes, its v2 API reads. */
  zipkin: (method: string, path: string): Need | null => {
    // A browser's CORS preflight never carries credentials: it is answered, the request after it is checked.
    if (method === 'OPTIONS') return null;
    if (method === 'POST' && /^\/api\/v[12]\/spans\/?$/.test(path)) return 'write';
    if (path.startsWith('/api/') || path.startsWith('/zipkin/api/')) return 'read';
    return null;
  },
  /** Jaeger collector's HTTP port: Thrift batches write; sampling strategies take any token. */
  jaegerThriftHttp: (method: string, path: string): Need | null => {
    if (method === 'POST' && path.startsWith('/api/traces')) return 'write';
    if (path === '/api/sampling' || path === '/sampling') return 'any';
    return null;
  },
  /** Tempo's port: everything reads but the liveness endpoints. */
  tempo: (_method: string, path: string): Need | null => (['/api/echo', '/ready', '/metrics', '/health'].includes(path) ? null : 'read'),
} as const;
