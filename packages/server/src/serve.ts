import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DuckDBStore, MetricsStore, Store } from '@clew/storage';
import { LiveStarts, openClickHouseMetricsStore, openClickHouseStore, openDuckDBStore, RangeArchiveUnionStore, TraceArchive } from '@clew/storage';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { ClewConfig } from './config/schema.js';
import { durationMs } from './config/duration.js';
import { openDataDirMetricsStore, spanMetricsOptions } from './span-metrics/span-metrics-config.js';
import type { Metrics } from './observability/metrics.js';
import { createMetrics } from './observability/metrics.js';
import type { ModuleDef, Running } from './modules.js';
import { startModules } from './modules.js';
import { catalogConsumer } from './pipeline/catalog-consumer.js';
import { DeadLetters } from './pipeline/dead-letters.js';
import { IngestPipeline } from './pipeline/ingest.js';
import { DEFAULT_BATCH_SPANS, encodesAsItGathers, pendingLimit } from './pipeline/store-writer.js';
import { buildForwarder } from './pipeline/forward/forwarder.js';
import { buildProcessors } from './pipeline/processors/config.js';
import { buildTailSampler } from './pipeline/tail/config.js';
import { registerTailMetrics, TailStage } from './pipeline/tail-stage.js';
import { startHttpApp } from './http-app.js';
import { otlpHttpReceiver } from './receivers/otlp-http/receiver.js';
import { startOtlpGrpc } from './receivers/otlp-grpc/receiver.js';
import { zipkinApp } from './receivers/zipkin/zipkin-app.js';
import { jaegerThriftReceiver } from './receivers/jaeger/thrift-http-receiver.js';
import { startJaegerAgent } from './receivers/jaeger/agent.js';
import { AttributeCatalogs } from './api/native/index.js';
import { adminApp, queryApp } from './api/query-app.js';
import { samplingRoute } from './api/jaeger/routes-sampling.js';
import type { Sampling } from './sampling/create-sampling.js';
import { createSampling } from './sampling/create-sampling.js';
import { tempoApi } from './api/tempo/index.js';
import { startRetention } from './retention.js';
import { ServiceHealthQueries } from './query/metrics/service-health.js';
import { registerSpanMetricsMetrics } from './span-metrics/register-metrics.js';
import { OVERFLOW_OPERATION, SpanMetricsConsumer } from './span-metrics/span-metrics-consumer.js';
import type { Slos } from './slo/index.js';
import { startSlos } from './slo/index.js';
import { EvaluatorLease } from './slo/lease.js';
import { WriteAheadLog } from './wal/wal.js';
import { grpcServerCredentials } from './tls/grpc-credentials.js';
import { DEFAULT_TENANT } from '@clew/model';
import type { Tenant } from '@clew/model';
import { Authenticator } from './auth/authenticator.js';
import type { NeedOf } from './auth/http-auth.js';
import { NEEDS } from './auth/http-auth.js';
import { TenantLimits } from './auth/tenant-limits.js';
import { sessionRoute } from './auth/session-route.js';
import { StoreCatalogFeeder, teachFromRangeArchives } from './query/catalog/store-catalog-feeder.js';
import { TlsFiles } from './tls/tls-files.js';

interface Ctx {
  readonly config: ClewConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly dataDir: string;
  readonly addresses: Record<string, string>;
  /** Checks tokens (auth.tokens); undefined when auth is off and everything is the default tenant's. */
  readonly authenticator: Authenticator | undefined;
  readonly tenantLimits: TenantLimits;
}

type ClickHouseConfig = NonNullable<ClewConfig['storage']['clickhouse']>;

/** How a span store (the live one, the archive) reaches ClickHouse: the server, the credentials, the cluster if any. */
const clickHouseSpans = (ch: ClickHouseConfig) => ({
  url: ch.url,
  ...(ch.username !== undefined && { username: ch.username }),
  ...(ch.password !== undefined && { password: ch.password }),
  ...(ch.cluster !== undefined && { cluster: ch.cluster, shards: ch.shards }),
});

/** Where the range archive route writes each day's file before it sends it (see registerRangeArchiveRoute). */
const RANGE_ARCHIVE_SCRATCH = 'range-archive-scratch';

const writesRangeArchives = (store: Store): store is DuckDBStore => 'writeRangeArchive' in store;

/** DuckDB memory_limit of the archive's store: it holds few traces and is read one trace at a time. */
const ARCHIVE_MEMORY_LIMIT = '256MB';

const value = <T>(v: T, stop: () => Promise<void> = async () => undefined): Running<T> => ({ value: v, stop });

type Getter = <T>(name: string) => T;

type OpenedWal = Awaited<ReturnType<typeof WriteAheadLog.open>> & { readonly storeHolds: bigint };

/**
 * A role that serves one Fastify app on `ports[port]` and publishes its address as `addresses[port]` (the base URL,
 * or what `address` makes of it). Ingest apps accept bodies up to limits.maxRequestBytes; apps that answer queries
 * compress their replies (see startHttpApp).
 */
function httpModule(
  deps: readonly string[],
  port: keyof ClewConfig['ports'] & string,
  opts: { readonly ingest: boolean; readonly compress?: boolean; readonly need: NeedOf },
  setup: (app: FastifyInstance, ctx: Ctx, get: Getter) => unknown,
  address: (url: string) => string = (url) => url,
): ModuleDef<Ctx> {
  return {
    deps: [...deps, 'tls'],
    async start(ctx, get) {
      const { config, log, addresses } = ctx;
      const bodyLimit = opts.ingest ? { bodyLimit: config.limits.maxRequestBytes } : {};
      const tls = get<TlsFiles | undefined>('tls');
      const auth = { authenticator: ctx.authenticator, need: opts.need, limits: ctx.tenantLimits };
      const app = await startHttpApp({ host: config.host, port: config.ports[port], log, ...bodyLimit, compress: opts.compress ?? false, auth, ...(tls && { tls }) }, (a) =>
        setup(a, ctx, get),
      );
      addresses[port] = address(app.url);
      return value(app, () => app.close());
    },
  };
}

/** One line per attached range archive, so that whoever starts Clew sees what it reads beside the live spans. */
function logRangeArchives(log: Logger, store: DuckDBStore): void {
  for (const a of store.rangeArchives) log.info({ archive: a.dir, days: a.days, ...(a.spans !== undefined && { spans: a.spans }) }, 'range archive attached');
}

/** Clew's roles and what each needs. `clew serve` runs them all in one process. */
const MODULES: Record<string, ModuleDef<Ctx>> = {
  // The certificate every TCP listener presents, re-read when its files change; undefined when TLS is off.
  tls: {
    deps: [],
    async start({ config, log }) {
      if (!config.tls) return value<TlsFiles | undefined>(undefined);
      const tls = TlsFiles.open({ ...config.tls, log });
      return value<TlsFiles | undefined>(tls, async () => tls.close());
    },
  },
  // The span store: DuckDB files under the data directory, or a ClickHouse database the processes share.
  store: {
    deps: [],
    async start({ config, dataDir, log }) {
      const ch = config.storage.clickhouse;
      if (config.storage.backend !== 'clickhouse' || !ch) {
        const store = await openDuckDBStore({ dir: join(dataDir, 'store'), memoryLimit: config.storage.duckdb.memoryLimit, rangeArchives: config.archive.dirs });
        logRangeArchives(log, store);
        return value<Store>(store, () => store.close());
      }
      const live = await openClickHouseStore({ ...clickHouseSpans(ch), database: ch.database, source: ch.source ?? hostname() });
      log.info({ clickhouse: live.serverFeatures }, 'ClickHouse store open (codecs: applied on 20.1 and later; before, the server\'s own compression decides: see docs/scale-out.md, "Compression")');
      if (config.archive.dirs.length === 0) return value<Store>(live, () => live.close());
      // Range archives beside ClickHouse: read by an embedded store that holds them alone (nothing is written to
      // it), answering for each tenant's spans before ClickHouse's earliest.
      const starts = new LiveStarts(() => live.earliestStarts());
      const archives = await starts
        .refresh()
        .then(() => openDuckDBStore({ dir: join(dataDir, 'range-archives'), memoryLimit: ARCHIVE_MEMORY_LIMIT, rangeArchives: config.archive.dirs, liveFrom: (t) => starts.of(t) }))
        .catch(async (err: unknown) => {
          await live.close();
          throw err;
        });
      logRangeArchives(log, archives);
      const store = new RangeArchiveUnionStore(live, archives, starts);
      return value<Store>(store, () => store.close());
    },
  },
  // Archived traces: their spans in a second store that retention is never given (DuckDB files under archive/, or a
  // `<database>_archive` ClickHouse database), their marks as documents of the metrics store. Its `store` is the live
  // store whose trace-by-id reads fall back to the archive: what every query API reads.
  archive: {
    deps: ['store', 'metrics-store'],
    async start({ config, dataDir }, get) {
      const ch = config.storage.clickhouse;
      const archived: Store =
        config.storage.backend === 'clickhouse' && ch
          ? await openClickHouseStore({ ...clickHouseSpans(ch), database: `${ch.database}_archive`, source: 'archive' })
          : await openDuckDBStore({ dir: join(dataDir, 'archive'), memoryLimit: ARCHIVE_MEMORY_LIMIT });
      return value(new TraceArchive(get<Store>('store'), archived, get<MetricsStore>('metrics-store')), () => archived.close());
    },
  },
  // The rollups behind service health and SLOs, kept longer than spans (retention.metrics): their own DuckDB file, or
  // tables beside the spans in the shared ClickHouse database (each collector appends under its own source).
  'metrics-store': {
    deps: [],
    async start({ config, dataDir }) {
      const ch = config.storage.clickhouse;
      let metricsStore: MetricsStore;
      if (config.storage.backend === 'clickhouse' && ch) {
        metricsStore = await openClickHouseMetricsStore({ url: ch.url, database: ch.database, source: ch.source ?? hostname(), ...(ch.username !== undefined && { username: ch.username }), ...(ch.password !== undefined && { password: ch.password }) });
      } else {
        metricsStore = await openDataDirMetricsStore(dataDir, config);
      }
      return value(metricsStore, () => metricsStore.close());
    },
  },
  // Span metrics and the service graph, fed every accepted span by the store writer; undefined when metrics are off.
  'span-metrics': {
    deps: ['metrics-store'],
    async start({ config, log, metrics, tenantLimits }, get) {
      if (!config.metrics.enabled) return value<SpanMetricsConsumer | undefined>(undefined);
      const consumer = await SpanMetricsConsumer.open(
        get<MetricsStore>('metrics-store'),
        { ...spanMetricsOptions(config.metrics), maxOperationsOf: (tenant) => tenantLimits.of(tenant).maxOperationsPerService },
        log,
      );
      registerSpanMetricsMetrics(metrics, consumer);
      return value<SpanMetricsConsumer | undefined>(consumer, () => consumer.shutdown());
    },
  },
  // SLOs over the metrics rollups: evaluated on a timer, alerts to the configured webhooks, routes on the native API.
  slos: {
    deps: ['metrics-store'],
    async start({ config, log, metrics }, get) {
      // Over a shared ClickHouse, several query nodes: one evaluates at a time (a lease in the store's documents).
      const lease =
        config.storage.backend === 'clickhouse'
          ? new EvaluatorLease(get<MetricsStore>('metrics-store'), `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, 3 * durationMs(config.alerting.evaluateEvery))
          : undefined;
      const slos = await startSlos({ metricsStore: get<MetricsStore>('metrics-store'), config, log, metrics, ...(lease && { lease }) });
      return value(slos, () => slos.stop());
    },
  },
  // Opened from the older of the store's and the span metrics' positions: records the store holds but the metrics
  // had not written replay into the metrics alone (storeHolds).
  wal: {
    deps: ['store', 'span-metrics'],
    async start({ dataDir, log }, get) {
      const store = get<Store>('store');
      const storeHolds = await store.lastWalPosition();
      const counted = get<SpanMetricsConsumer | undefined>('span-metrics')?.resumedAfter ?? storeHolds;
      const opened = await WriteAheadLog.open({ dir: join(dataDir, 'wal') }, counted < storeHolds ? counted : storeHolds);
      for (const d of opened.damaged) {
        log.error(d, 'the write-ahead log holds a damaged record (a disk fault or a failed write); it is skipped and the records after it replay');
      }
      return value({ ...opened, storeHolds }, () => opened.wal.close());
    },
  },
  catalog: {
    deps: ['store?'],
    async start({ config, log }, get) {
      const catalogs = new AttributeCatalogs();
      // Attached range archives teach autocomplete once, in the background (a collector answers no autocomplete).
      const store = get<Store | undefined>('store?');
      const stopping = new AbortController();
      const taught =
        store !== undefined && config.archive.dirs.length > 0 && config.role !== 'collector'
          ? teachFromRangeArchives(store, catalogs, config.archive.dirs, log, stopping.signal).catch((err: unknown) => log.warn({ err }, 'could not teach autocomplete from range archives'))
          : undefined;
      // Stopping ends the teaching after the day it is reading, which the store must not close under.
      return value(catalogs, async () => {
        stopping.abort();
        await taught;
      });
    },
  },
  // Remote sampling's strategies, served on the query and Jaeger collector ports; adaptive ones learn as a consumer.
  sampling: {
    deps: ['wal?'],
    async start({ config }, get) {
      // A query node has no log: its adaptive strategies start from nothing (they learn where spans arrive).
      const replayed = get<OpenedWal | undefined>('wal?')?.replay.at(-1)?.seq;
      return value(createSampling(config.pipeline.sampling, { ...(replayed !== undefined && { replayedThrough: replayed }) }));
    },
  },
  pipeline: {
    deps: ['store', 'wal', 'catalog', 'sampling', 'span-metrics'],
    async start({ config, log, metrics, dataDir, tenantLimits }, get) {
      const { wal, replay, storeHolds } = get<OpenedWal>('wal');
      const spanMetrics = get<SpanMetricsConsumer | undefined>('span-metrics');
      const { learner } = get<Sampling>('sampling');
      const store = get<Store>('store');
      const sampler = buildTailSampler(config.pipeline.tailSampling, {
        now: Date.now,
        onPolicyError: (err, policy) => log.error({ err, policy }, 'a tail sampling policy failed; the trace counts as refused by it'),
      });
      const tail = sampler && new TailStage(sampler, store);
      if (tail) registerTailMetrics(metrics, tail);
      const forwarder = buildForwarder(config.pipeline.tailSampling.peers, metrics, log);
      // The store's own batch only where the writer encodes it as it gathers: elsewhere its spans are held until written.
      const storeBatch = encodesAsItGathers(store, { tail, forwarder }) ? store.batchSpans : undefined;
      const batchSpans = config.storage.batchSpans ?? storeBatch ?? DEFAULT_BATCH_SPANS;
      const pipeline = new IngestPipeline(
        wal,
        store,
        {
          maxPendingSpans: config.limits.maxPendingSpans ?? pendingLimit(batchSpans),
          retryAfterSeconds: config.limits.retryAfterSeconds,
          batchSpans,
          batchWaitMs: durationMs(config.storage.batchWait),
          batchMaxWaitMs: durationMs(config.storage.batchMaxWait),
          processors: buildProcessors(config.pipeline.processors),
          consumers: [catalogConsumer(get<AttributeCatalogs>('catalog')), ...(learner ? [learner] : []), ...(spanMetrics ? [spanMetrics] : [])],
          deadLetters: new DeadLetters(join(dataDir, 'dead-letter'), metrics, log),
          tenantLimits,
          ...(tail && { tail }),
          ...(forwarder && { forwarder }),
        },
        metrics,
        log,
      );
      if (replay.length > 0) {
        const spans = await pipeline.replay(replay, storeHolds);
        log.info({ records: replay.length, spans }, 'replayed the write-ahead log into the store');
      }
      forwarder?.start();
      pipeline.start();
      spanMetrics?.start();
      return value(pipeline, async () => {
        await pipeline.stop();
        forwarder?.stop();
      });
    },
  },
  'otlp-http': httpModule(
    ['pipeline'],
    'otlpHttp',
    { ingest: true, need: NEEDS.otlpHttp },
    (a, { config, metrics }, get) =>
      a.register(otlpHttpReceiver, { pipeline: get<IngestPipeline>('pipeline'), metrics, maxRequestBytes: config.limits.maxRequestBytes }),
    (url) => `${url}/v1/traces`,
  ),
  'otlp-grpc': {
    deps: ['pipeline', 'tls'],
    async start({ config, log, metrics, addresses, authenticator, tenantLimits }, get) {
      const tls = get<TlsFiles | undefined>('tls');
      const grpc = await startOtlpGrpc({
        authenticator,
        tenantLimits,
        ...(tls && { credentials: grpcServerCredentials(tls) }),
        host: config.host,
        port: config.ports.otlpGrpc,
        pipeline: get<IngestPipeline>('pipeline'),
        metrics,
        maxRequestBytes: config.limits.maxRequestBytes,
        log,
      });
      addresses.otlpGrpc = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${grpc.port}`;
      return value(grpc, () => grpc.stop());
    },
  },
  // Zipkin's port is its collector and its query API, as in zipkin-server: the API's JSON is compressed, the
  // collector's bodies are not touched (request decompression stays the receiver's) and its 202s are empty.
  // A collector serves the collector half, a query node the API half.
  zipkin: httpModule(['pipeline?', 'store', 'archive?', 'catalog', 'metrics-store'], 'zipkin', { ingest: true, compress: true, need: NEEDS.zipkin }, (a, { config, metrics }, get) =>
    a.register(zipkinApp, {
      ...(config.role !== 'query' && { pipeline: get<IngestPipeline>('pipeline') }),
      ...(config.role !== 'collector' && { store: get<TraceArchive | undefined>('archive?')?.store ?? get<Store>('store') }),
      metricsStore: get<MetricsStore>('metrics-store'),
      catalogs: get<AttributeCatalogs>('catalog'),
      metrics,
      maxRequestBytes: config.limits.maxRequestBytes,
    }),
  ),
  'jaeger-thrift-http': httpModule(['pipeline', 'sampling'], 'jaegerThriftHttp', { ingest: true, need: NEEDS.jaegerThriftHttp }, (a, { config, metrics }, get) =>
    a
      .register(samplingRoute, { strategies: get<Sampling>('sampling').strategies })
      .register(jaegerThriftReceiver, { pipeline: get<IngestPipeline>('pipeline'), metrics, maxRequestBytes: config.limits.maxRequestBytes }),
  ),
  'jaeger-agent': {
    deps: ['pipeline'],
    async start({ config, log, metrics, addresses }, get) {
      // UDP carries no credentials: with auth on, the agent's ports stay closed unless auth.agentTenant owns them.
      if (config.auth && config.auth.agentTenant === undefined) {
        log.info('auth is on and auth.agentTenant is not set: the Jaeger agent UDP ports are not opened');
        return value(undefined);
      }
      const tenant = config.auth?.agentTenant ?? DEFAULT_TENANT;
      const agent = await startJaegerAgent({ config, log, metrics, pipeline: get<IngestPipeline>('pipeline'), tenant });
      addresses.jaegerCompact = agent.compact;
      addresses.jaegerBinary = agent.binary;
      return value(agent, () => agent.stop());
    },
  },
  query: httpModule(['store', 'archive', 'wal?', 'catalog', 'sampling', 'metrics-store', 'span-metrics?', 'slos'], 'query', { ingest: false, compress: true, need: NEEDS.query }, (a, { config, metrics, authenticator, dataDir }, get) => {
    const metricsStore = get<MetricsStore>('metrics-store');
    const store = get<Store>('store');
    const archive = get<TraceArchive>('archive');
    const spanMetrics = get<SpanMetricsConsumer | undefined>('span-metrics?');
    const wal = get<OpenedWal | undefined>('wal?')?.wal;
    return a.register(samplingRoute, { strategies: get<Sampling>('sampling').strategies }).register(queryApp, {
      store: archive.store,
      archive,
      ...(wal && { wal }),
      metrics,
      catalogs: get<AttributeCatalogs>('catalog'),
      maxRequestBytes: config.limits.maxRequestBytes,
      serveSourceMaps: config.ui.serveSourceMaps,
      metricsStore,
      health: new ServiceHealthQueries(metricsStore, OVERFLOW_OPERATION),
      ...(spanMetrics && { prometheus: (tenant: Tenant) => spanMetrics.prometheusOf(tenant) }),
      nativeRoutes: [
        sessionRoute(authenticator),
        async (app) => {
          await app.register(get<Slos>('slos').routes);
        },
      ],
      mcp: { slos: (tenant) => get<Slos>('slos').views(tenant) },
      // `clew archive --url` gets the files the store writes, as `-d` does; over ClickHouse it reads the export route.
      ...(writesRangeArchives(store) && {
        rangeArchives: { write: (req, opts) => store.writeRangeArchive(req, opts), scratch: join(dataDir, RANGE_ARCHIVE_SCRATCH) },
      }),
    });
  }),
  tempo: httpModule(['archive', 'catalog'], 'tempo', { ingest: false, compress: true, need: NEEDS.tempo }, (a, _ctx, get) =>
    a.register(tempoApi, { store: get<TraceArchive>('archive').store, catalogs: get<AttributeCatalogs>('catalog') }),
  ),
  // A query node ingests nothing: its autocomplete is taught from the store's newest traces.
  'catalog-from-store': {
    deps: ['store', 'catalog'],
    async start({ log }, get) {
      const feeder = new StoreCatalogFeeder(get<Store>('store'), get<AttributeCatalogs>('catalog'), log);
      feeder.start();
      return value(feeder, () => feeder.stop());
    },
  },
  // A collector's query port: /health and /metrics only (the UI and the APIs are the query nodes').
  admin: httpModule(['store', 'wal'], 'query', { ingest: false, need: () => null }, (a, { metrics }, get) =>
    a.register(adminApp, { store: get<Store>('store'), wal: get<OpenedWal>('wal').wal, metrics }),
  ),
  retention: {
    deps: ['store', 'metrics-store'],
    async start({ config, log, tenantLimits }, get) {
      const r = startRetention(
        get<Store>('store'),
        durationMs(config.retention.spans),
        log,
        undefined,
        { store: get<MetricsStore>('metrics-store'), retentionMs: durationMs(config.retention.metrics) },
        knownTenants(config).map((tenant) => {
          const { spans, metrics } = tenantLimits.of(tenant).retention ?? {};
          return { tenant, spansMs: spans === undefined ? undefined : durationMs(spans), metricsMs: metrics === undefined ? undefined : durationMs(metrics) };
        }),
      );
      return value(r, async () => r.stop());
    },
  },
};

/** Tenants the config names (tokens, admin tokens' lists, limits), with the default one: those retention visits. */
function knownTenants(config: ClewConfig): Tenant[] {
  const named = new Set<Tenant>([DEFAULT_TENANT, ...Object.keys(config.tenants).filter((t) => t !== 'defaults')]);
  for (const t of config.auth?.tokens ?? []) {
    named.add(t.tenant);
    if (Array.isArray(t.tenants)) for (const other of t.tenants) named.add(other);
  }
  if (config.auth?.agentTenant) named.add(config.auth.agentTenant);
  return [...named];
}

/** Credentials never reach a log line, whatever logs a request or its headers. */
export const REDACT = ['req.headers.authorization', 'headers.authorization', 'request.headers.authorization', '*.headers.authorization'];

export const ALL_ROLES = ['otlp-grpc', 'otlp-http', 'zipkin', 'jaeger-thrift-http', 'jaeger-agent', 'query', 'tempo', 'retention'] as const;

/**
 * The modules each `role` runs. A collector receives and writes (its query port answers /health and /metrics); a
 * query node answers the UI and the APIs and runs retention, once for the shared store.
 */
export const ROLE_MODULES: Readonly<Record<ClewConfig['role'], readonly string[]>> = {
  all: ALL_ROLES,
  collector: ['otlp-grpc', 'otlp-http', 'zipkin', 'jaeger-thrift-http', 'jaeger-agent', 'admin'],
  query: ['query', 'tempo', 'zipkin', 'retention', 'catalog-from-store'],
};

export interface RunningClew {
  /**
   * Where each listener is: otlpGrpc (host:port), otlpHttp (URL of /v1/traces), zipkin and query (base URLs, https://
   * when tls is configured).
   */
  readonly addresses: Readonly<Record<string, string>>;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Starts Clew with every role in this process. */
export async function startClew(config: ClewConfig, log?: Logger): Promise<RunningClew> {
  const logger = log ?? pino({ level: config.log.level, base: { service: 'clew' }, redact: REDACT });
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const addresses: Record<string, string> = {};
  const metrics = createMetrics();
  const authenticator = config.auth ? new Authenticator(config.auth.tokens) : undefined;
  const ctx: Ctx = { config, log: logger, metrics, dataDir, addresses, authenticator, tenantLimits: new TenantLimits(config.tenants, metrics) };
  const modules = await startModules(MODULES, ROLE_MODULES[config.role], ctx);
  let stopping: Promise<void> | undefined;
  return {
    addresses,
    dataDir,
    stop: () => (stopping ??= modules.stop()),
  };
}
