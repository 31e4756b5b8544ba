import type { MetricsStore, SpanReader, Store } from '@clew/storage';
import type { Tenant, UnixNanos } from '@clew/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { metricsReaderFor, spanReaderFor } from '../../query/tenant-readers.js';
import type { AttributeCatalogs } from '../native/attribute-catalogs.js';
import type { EdgeLink } from '../jaeger/dependencies.js';
import { readEdgeLinks } from '../jaeger/dependencies.js';
import { queryOf } from '../jaeger/reply.js';
import { ClewError } from '../../errors.js';
import { findZipkinTraces, readZipkinTrace } from './find-traces.js';
import { JavaParams } from './java-params.js';
import { DEFAULT_LOOKBACK_MS, parseQueryRequest } from './query-request.js';
import { remoteServices } from './remote-services.js';
import { sendJson, sendNames } from './reply.js';
import { normalizeZipkinTraceId } from './trace-id.js';

export interface ZipkinRouteDeps {
  readonly store: Store;
  readonly catalogs: AttributeCatalogs;
  readonly now: () => UnixNanos;
  /** The metrics rollups, whose service-graph edges `/dependencies` reads; it answers no links without them. */
  readonly metricsStore?: MetricsStore;
}

/**
 * Zipkin's v2 query API (zipkin2-api.yaml; zipkin-server's ZipkinQueryApiV2), as Zipkin 3.x answers it. Every route
 * reads the request's tenant only.
 */
export function registerZipkinRoutes(app: FastifyInstance, { store, catalogs, now, metricsStore }: ZipkinRouteDeps): void {
  /** Zipkin counts services on every /services call to decide whether names may be cached: here per tenant. */
  const serviceCounts = new Map<Tenant, number>();
  const serviceCount = (request: FastifyRequest): number => serviceCounts.get(request.tenant) ?? 0;
  const params = (request: FastifyRequest) => new JavaParams(queryOf(request));
  const spansOf = (request: FastifyRequest): SpanReader => spanReaderFor(store, request.tenant);

  app.get('/api/v2/services', async (request, reply) => {
    const services = await spansOf(request).services();
    serviceCounts.set(request.tenant, services.length);
    return sendNames(reply, services, services.length);
  });

  app.get('/api/v2/spans', async (request, reply) => {
    const service = params(request).required('serviceName');
    const names = [...new Set((await spansOf(request).operations({ service })).map((o) => o.name))].sort();
    return sendNames(reply, names, serviceCount(request));
  });

  app.get('/api/v2/remoteServices', async (request, reply) => {
    const service = params(request).required('serviceName');
    const names = await remoteServices(spansOf(request), catalogs.for(request.tenant), service, now(), DEFAULT_LOOKBACK_MS);
    return sendNames(reply, names, serviceCount(request));
  });

  app.get('/api/v2/traces', async (request, reply) => {
    const q = parseQueryRequest(params(request), now());
    return sendJson(reply, await findZipkinTraces(spansOf(request), q));
  });

  app.get<{ Params: { traceId: string } }>('/api/v2/trace/:traceId', async (request, reply) => {
    const { normalized, traceId } = normalizeZipkinTraceId(request.params.traceId);
    const trace = await readZipkinTrace(spansOf(request), traceId);
    if (trace.length === 0) throw new ClewError('TRACE_NOT_FOUND', `${normalized} not found`);
    return sendJson(reply, trace);
  });

  app.get('/api/v2/traceMany', async (request, reply) => {
    const text = params(request).required('traceIds');
    if (text === '') throw new ClewError('BAD_PARAMETER', 'traceIds parameter is empty');
    const ids = new Map<string, ReturnType<typeof normalizeZipkinTraceId>['traceId']>();
    for (const raw of text.split(',')) {
      const { normalized, traceId } = normalizeZipkinTraceId(raw);
      if (ids.has(normalized)) throw new ClewError('BAD_PARAMETER', `redundant traceId: ${raw}`);
      ids.set(normalized, traceId);
    }
    if (ids.size === 1) throw new ClewError('BAD_PARAMETER', 'Use /api/v2/trace/{traceId} endpoint to retrieve a single trace');
    const spans = spansOf(request);
    const traces = await Promise.all([...ids.values()].map((id) => readZipkinTrace(spans, id)));
    return sendJson(reply, traces.filter((t) => t.length > 0));
  });

  app.get('/api/v2/dependencies', async (request, reply) => {
    const p = params(request);
    p.required('endTs');
    const endTs = p.long('endTs') ?? 0n;
    const lookback = p.long('lookback') ?? DEFAULT_LOOKBACK_MS;
    if (endTs <= 0n) throw new ClewError('BAD_PARAMETER', 'endTs <= 0');
    if (lookback <= 0n) throw new ClewError('BAD_PARAMETER', 'lookback <= 0');
    const end = (endTs * 1_000_000n) as UnixNanos;
    const window = { start: (end - lookback * 1_000_000n) as UnixNanos, end };
    const links = metricsStore ? await readEdgeLinks(metricsReaderFor(metricsStore, request.tenant), window) : [];
    return sendJson(reply, toZipkinDependencies(links));
  });

  // Zipkin answers its configured autocomplete keys; Clew has no such list and suggests the keys it has seen.
  app.get('/api/v2/autocompleteKeys', async (request, reply) => sendNames(reply, catalogs.for(request.tenant).keysOf(), serviceCount(request)));

  app.get('/api/v2/autocompleteValues', async (request, reply) => {
    const key = params(request).required('key');
    return sendNames(reply, catalogs.for(request.tenant).valuesOf(key).sort(), serviceCount(request));
  });
}

/**
 * Dependency links as Zipkin's DependencyLinkBytesEncoder writes them: one per (parent, child) with counts summed,
 * `errorCount` only when there were errors. Counts are rounded (they are weights once head sampling adjusts them;
 * Zipkin's are whole). Sorted by parent then child so that answers repeat.
 */
export function toZipkinDependencies(links: readonly EdgeLink[]): Array<{ parent: string; child: string; callCount: number; errorCount?: number }> {
  const merged = new Map<string, { parent: string; child: string; callCount: number; errorCount: number }>();
  for (const l of links) {
    const key = JSON.stringify([l.parent, l.child]);
    const m = merged.get(key) ?? { parent: l.parent, child: l.child, callCount: 0, errorCount: 0 };
    m.callCount += l.callCount;
    m.errorCount += l.errorCount;
    merged.set(key, m);
  }
  return [...merged.values()]
    .sort((a, b) => (a.parent < b.parent ? -1 : a.parent > b.parent ? 1 : a.child < b.child ? -1 : a.child > b.child ? 1 : 0))
    .map(({ errorCount, callCount, ...rest }) => {
      const errors = Math.round(errorCount);
      return errors > 0 ? { ...rest, callCount: Math.round(callCount), errorCount: errors } : { ...rest, callCount: Math.round(callCount) };
    });
}
