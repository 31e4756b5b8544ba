import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { nowNanos } from '@clew/model';
import type { Tenant, UnixNanos } from '@clew/model';
import type { MetricsStore, Store, TraceArchive } from '@clew/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from '../observability/metrics.js';
import type { McpApiOptions } from '../mcp/index.js';
import { mcpApi } from '../mcp/index.js';
import type { ServiceHealthQueries } from '../query/metrics/service-health.js';
import type { PrometheusSeries } from '../span-metrics/prometheus-series.js';
import type { WriteAheadLog } from '../wal/wal.js';
import type { RangeArchiveSource } from './export/range-archive-route.js';
import { jaegerApi } from './jaeger/index.js';
import { decorateTenant } from '../auth/request-tenant.js';
import type { AttributeCatalogs } from './native/index.js';
import { nativeApi } from './native/index.js';
import { CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';

export interface QueryAppOptions {
  readonly store: Store;
  /** This process's write-ahead log, for its size on /metrics; a query node has none. */
  readonly wal?: WriteAheadLog;
  readonly metrics: Metrics;
  /** Autocomplete's catalogs, one per tenant, which ingest feeds. */
  readonly catalogs: AttributeCatalogs;
  /** The built web UI; packages/web/dist by default (the same relative path from src/api and dist/api). */
  readonly webDir?: string;
  /** Largest request body (limits.maxRequestBytes), for Jaeger's `POST /api/transform`. */
  readonly maxRequestBytes?: number;
  /** Serve the UI's source maps (`*.map`); refused with a 404 unless set (ui.serveSourceMaps). */
  readonly serveSourceMaps?: boolean;
  /** How long /health waits for the store before calling it unavailable; 5 s by default. */
  readonly healthTimeoutMs?: number;
  /** The clock behind /health's probe window; tests pin it. */
  readonly now?: () => UnixNanos;
  /** The metrics rollups (service health, the Monitor tab, dependencies); without them those answer as disabled. */
  readonly metricsStore?: MetricsStore;
  readonly health?: ServiceHealthQueries;
  /** Span metrics and the service graph in Tempo's Prometheus names, served at /metrics/traces. */
  readonly prometheus?: (tenant: Tenant) => PrometheusSeries;
  /** More native routes (SLOs). */
  readonly nativeRoutes?: ReadonlyArray<(app: FastifyInstance) => void | Promise<void>>;
  /** The MCP server at /mcp for AI assistants (over the same store and health queries); off unless given. */
  readonly mcp?: Pick<McpApiOptions, 'slos' | 'now'>;
  /** Archived traces (archive and un-archive routes, the mark on a trace); `store` should then read through them. */
  readonly archive?: TraceArchive;
  /** A store that writes range archives itself, for `clew archive --url` (see RANGE_ARCHIVE_ROUTE). */
  readonly rangeArchives?: RangeArchiveSource;
}

const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** The query port (16686): the web UI, Clew's native API, Jaeger's APIs, Prometheus metrics, health. */
export async function queryApp(app: FastifyInstance, opts: QueryAppOptions): Promise<void> {
  decorateTenant(app);
  securityHeaders(app); // first, so every route and plugin below inherits the hook
  await app.register(jaegerApi, {
    store: opts.store,
    ...(opts.maxRequestBytes !== undefined && { maxRequestBytes: opts.maxRequestBytes }),
    ...(opts.metricsStore && { metricsStore: opts.metricsStore }),
    ...(opts.archive && { archive: opts.archive }),
  });
  await app.register(nativeApi, {
    store: opts.store,
    catalogs: opts.catalogs,
    ...(opts.health && { health: opts.health }),
    ...(opts.nativeRoutes && { extraRoutes: opts.nativeRoutes }),
    ...(opts.archive && { archive: opts.archive }),
    ...(opts.rangeArchives && { rangeArchives: opts.rangeArchives }),
  });
  if (opts.mcp) await app.register(mcpApi, { ...opts.mcp, store: opts.store, ...(opts.health && { health: opts.health }) });

  // A scrape target for a Prometheus behind Grafana's service graph and RED panels; Clew's own metrics stay on /metrics.
  const prometheus = opts.prometheus;
  if (prometheus) {
    // The request's tenant's series only: a scrape with a tenant's read token sees that tenant's services.
    app.get('/metrics/traces', async (req, reply) => reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(prometheus(req.tenant).render()));
  }

  operational(app, opts);
  await serveWebUi(app, opts.webDir ?? WEB_DIST, opts.serveSourceMaps ?? false);
}

export type AdminAppOptions = Pick<QueryAppOptions, 'store' | 'wal' | 'metrics' | 'healthTimeoutMs' | 'now'>;

/** A collector's query port: `/metrics` and `/health` only, as every process serves them. */
export async function adminApp(app: FastifyInstance, opts: AdminAppOptions): Promise<void> {
  securityHeaders(app);
  operational(app, opts);
}

/** `/metrics` (Clew's own, in Prometheus text) and `/health` (the store answers within the timeout). */
function operational(app: FastifyInstance, opts: AdminAppOptions): void {
  app.get('/metrics', async (_req, reply) => {
    const [stats, walBytes] = await Promise.all([opts.store.stats(), opts.wal?.diskBytes()]);
    opts.metrics.storeDiskBytes.set(stats.diskBytes);
    opts.metrics.storePartitions.set(stats.partitions);
    if (walBytes !== undefined) opts.metrics.walDiskBytes.set(walBytes);
    return reply.header('content-type', opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });

  app.get('/health', async (_request, reply) => {
    const problem = await storeProblem(opts.store, (opts.now ?? nowNanos)(), opts.healthTimeoutMs ?? 5000);
    if (problem === null) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable', reason: problem });
  });
}

/**
 * The window /health searches: recent, so it reads the partition being written, and one second, so that a probe every
 * few seconds on a busy Clew groups a second's spans, not a minute's.
 */
const PROBE_WINDOW_NS = 1_000_000_000n;

/**
 * Why the store cannot serve reads, or null when it can: within `timeoutMs` it must report its stats and answer a
 * search of the last second (a real query wherever a partition covers that second, as on any Clew receiving spans).
 */
async function storeProblem(store: Store, now: UnixNanos, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`store did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  const probe = (async () => {
    await store.stats();
    await store.findTraces({ start: (now - PROBE_WINDOW_NS) as UnixNanos, end: now, limit: 1 });
    return null;
  })().catch((err: unknown) => `store unreadable: ${err instanceof Error ? err.message : String(err)}`);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Paths that are never pages: a miss there (an API route, a missing hashed asset, Zipkin's API asked of the wrong
 * port) is a JSON 404, not index.html.
 */
const NOT_UI = /^\/(api|assets|metrics|health|zipkin\/api)(\/|\?|$)/;

/** Said with a 404 under /zipkin/api: Zipkin's UI or a client pointed at the query port instead of Zipkin's. */
const ZIPKIN_ELSEWHERE = "Zipkin's API is served on Clew's Zipkin port (9411 unless --zipkin-port says otherwise), not on the query port";

/**
 * The built UI at `/`, as a single-page app: files from `dir` as they are (hashed assets cached for good, the rest
 * revalidated; source maps only when `serveSourceMaps`), and any other GET outside the APIs answered with index.html so that the UI's router can take deep
 * links. When the UI was not built, those GETs get a 503 page saying how to build it, and the APIs work regardless.
 */
async function serveWebUi(app: FastifyInstance, dir: string, serveSourceMaps: boolean): Promise<void> {
  const index = join(dir, 'index.html');
  // Registered even when `dir` does not exist yet (the plugin only warns), so a UI built later is served as is.
  await app.register(fastifyStatic, {
    root: dir,
    // The build keeps source maps beside the bundles without naming them in the bundles (Vite's hidden maps):
    // there for whoever decodes a stack trace, served only when asked for with --serve-source-maps.
    allowedPath: (path) => serveSourceMaps || !path.endsWith('.map'),
    cacheControl: false, // else `send` overwrites the header setHeaders gives
    setHeaders: (res, path) =>
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !NOT_UI.test(request.url);
    if (!isPage) {
      const where = `Route ${request.method}:${request.url} not found`;
      const message = request.url.startsWith('/zipkin/api') ? `${where}: ${ZIPKIN_ELSEWHERE}` : where;
      return reply.code(404).send({ message, error: 'Not Found', statusCode: 404 });
    }
    // Checked per request (a rare path) so a UI built while Clew runs is served without a restart.
    if (!existsSync(index)) return reply.code(503).header('content-security-policy', NOT_BUILT_POLICY).type('text/html; charset=utf-8').send(UI_NOT_BUILT);
    return reply.sendFile('index.html', dir);
  });
}

/** The fixed page below styles its body inline; it shows no span data, so only it may. */
const NOT_BUILT_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'unsafe-inline'");

const UI_NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clew: web UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The web UI has not been built</h1>
<p>Clew is running and its APIs answer (<a href="/api/clew/v1/services">/api/clew/v1/services</a>,
Jaeger's <a href="/api/services">/api/services</a>, <a href="/metrics">/metrics</a>), but there is no UI to serve.</p>
<p>Build it from the repository root with <code>npm run build</code> (or only the UI: <code>npm run build -w @clew/web</code>),
then reload this page; no restart is needed.</p>
</body></html>
`;
