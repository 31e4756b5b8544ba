import type { SloView } from '@clew/api';
import type { Tenant } from '@clew/model';
import type { Store } from '@clew/storage';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { TraceCache } from '../api/native/trace-cache.js';
import { decorateTenant } from '../auth/request-tenant.js';
import { spanReaderFor } from '../query/tenant-readers.js';
import type { ServiceHealthQueries } from '../query/metrics/service-health.js';
import { clewMcpServer } from './clew-mcp-server.js';
import type { McpDeps } from './mcp-deps.js';

/** The path of the MCP endpoint on the query port. */
export const MCP_PATH = '/mcp';
/** Spans the MCP tools keep cached across calls: a 50,000-span trace and a few smaller ones. */
const MCP_TRACE_CACHE_SPANS = 100_000;
const VERSION = '0.1.0';

export interface McpApiOptions {
  readonly store: Store;
  readonly health?: ServiceHealthQueries;
  /** Every SLO of a tenant measured now (Slos.views); slo_status answers that SLOs are off without it. */
  readonly slos?: (tenant: Tenant) => Promise<readonly SloView[]>;
  /** Epoch ms; tests pin it. */
  readonly now?: () => number;
}

/**
 * Clew's MCP server at /mcp (streamable HTTP, stateless): read-only tools over the same queries as the native API,
 * for AI assistants. Each POST gets a fresh server and transport, as the SDK's stateless example does; answers are
 * JSON rather than an event stream, since no tool sends progress. GET (a server-to-client stream) and DELETE (ending a
 * session) are refused with 405: there are no sessions. So each server's tools are bound to the tenant of the POST
 * that carried the call, and read only its spans, metrics and SLOs.
 * @example await app.register(mcpApi, { store, health, slos: (tenant) => slos.views(tenant) })
 */
export async function mcpApi(app: FastifyInstance, opts: McpApiOptions): Promise<void> {
  decorateTenant(app);
  const cache = new TraceCache(MCP_TRACE_CACHE_SPANS);
  const now = opts.now ?? Date.now;
  const depsOf = (tenant: Tenant): McpDeps => {
    const { health, slos } = opts;
    return {
      tenant,
      store: spanReaderFor(opts.store, tenant),
      cache,
      ...(health && { health: health.forTenant(tenant) }),
      ...(slos && { slos: () => slos(tenant) }),
      now,
    };
  };

  app.post(MCP_PATH, async (request, reply) => {
    const server = clewMcpServer(depsOf(request.tenant), VERSION);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // The transport writes the response itself (and fastify's compression would wrap a body it never sees).
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (err) {
      request.log.error({ err }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null }));
      }
    }
  });

  const noSessions = async (_request: unknown, reply: FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; send requests with POST' }, id: null });
  app.get(MCP_PATH, noSessions);
  app.delete(MCP_PATH, noSessions);
}
