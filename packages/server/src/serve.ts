import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MetricsStore, Store } from '@clew/storage';
import { openDuckDBMetricsStore, openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { ClewConfig } from './config/schema.js';
import { durationMs } from './config/load.js';
import type { Metrics } from './observability/metrics.js';
import { createMetrics } from './observability/metrics.js';
import type { ModuleDef, Running } from './modules.js';
import { startModules } from './modules.js';
import { catalogConsumer } from './pipeline/catalog-consumer.js';
import { DeadLetters } from './pipeline/dead-letters.js';
import { IngestPipeline } from './pipeline/ingest.js';
import { buildProcessors } from './pipeline/processors/config.js';
import { buildTailSampler } from './pipeline/tail/config.js';
import { registerTailMetrics, TailStage } from './pipeline/tail-stage.js';
import { startHttpApp } from './http-app.js';
import { otlpHttpReceiver } from './receivers/otlp-http/receiver.js';
import { startOtlpGrpc } from './receivers/otlp-grpc/receiver.js';
import { zipkinApp } from './receivers/zipkin/zipkin-app.js';
import { jaegerThriftReceiver } from './receivers/jaeger/thrift-http-receiver.js';
import { startJaegerAgent } from './receivers/jaeger/agent.js';
import { AttributeCatalog } from './api/native/index.js';
import { queryApp } from './api/query-app.js';
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
import { WriteAheadLog } from './wal/wal.js';
import { grpcServerCredentials } from './tls/grpc-credentials.js';
import { TlsFiles } from './tls/tls-files.js';

interface Ctx {
  readonly config: ClewConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly dataDir: string;
  readonly addresses: Record<string, string>;
}

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
  opts: { readonly ingest: boolean; readonly compress?: boolean },
  setup: (app: FastifyInstance, ctx: Ctx, get: Getter) => unknown,
  address: (url: string) => string = (url) => url,
): ModuleDef<Ctx> {
  return {
    deps: [...deps, 'tls'],
    async start(ctx, get) {
      const { config, log, addresses } = ctx;
      const bodyLimit = opts.ingest ? { bodyLimit: config.limits.maxRequestBytes } : {};
      const tls = get<TlsFiles | undefined>('tls');
      const app = await startHttpApp({ host: config.host, port: config.ports[port], log, ...bodyLimit, compress: opts.compress ?? false, ...(tls && { tls }) }, (a) =>
        setup(a, ctx, get),
      );
      addresses[port] = address(app.url);
      return value(app, () => app.close());
    },
  };
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
  store: {
    deps: [],
    async start({ config, dataDir }) {
      const store = await openDuckDBStore({ dir: join(dataDir, 'store'), memoryLimit: config.storage.memoryLimit });
      return value(store, () => store.close());
    },
  },
  // The rollups behind service health and SLOs: their own DuckDB file, kept longer than spans (retention.metrics).
  'metrics-store': {
    deps: [],
    async start({ config, dataDir }) {
      await mkdir(join(dataDir, 'metrics'), { recursive: true });
      const metricsStore = await openDuckDBMetricsStore({ path: join(dataDir, 'metrics', 'metrics.duckdb'), memoryLimit: config.storage.metricsMemoryLimit });
      return value(metricsStore, () => metricsStore.close());
    },
  },
  // Span metrics and the service graph, fed every accepted span by the store writer; undefined when metrics are off.
  'span-metrics': {
    deps: ['metrics-store'],
    async start({ config, log, metrics }, get) {
      if (!config.metrics.enabled) return value<SpanMetricsConsumer | undefined>(undefined);
      const consumer = await SpanMetricsConsumer.open(
        get<MetricsStore>('metrics-store'),
        {
          maxOperationsPerService: config.metrics.maxOperationsPerService,
          flushIntervalMs: durationMs(config.metrics.flushInterval),
          serviceGraphWaitMs: durationMs(config.metrics.serviceGraphWait),
          serviceGraphMaxItems: config.metrics.serviceGraphMaxItems,
        },
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
      const slos = await startSlos({ metricsStore: get<MetricsStore>('metrics-store'), config, log, metrics });
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
    deps: [],
    async start() {
      return value(new AttributeCatalog());
    },
  },
  // Remote sampling's strategies, served on the query and Jaeger collector ports; adaptive ones learn as a consumer.
  sampling: {
    deps: ['wal'],
    async start({ config }, get) {
      const { replay } = get<OpenedWal>('wal');
      return value(createSampling(config.pipeline.sampling, { replayedThrough: replay.at(-1)?.seq }));
    },
  },
  pipeline: {
    deps: ['store', 'wal', 'catalog', 'sampling', 'span-metrics'],
    async start({ config, log, metrics, dataDir }, get) {
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
      const pipeline = new IngestPipeline(
        wal,
        store,
        {
          maxPendingSpans: config.limits.maxPendingSpans,
          retryAfterSeconds: config.limits.retryAfterSeconds,
          batchSpans: config.storage.batchSpans,
          batchWaitMs: durationMs(config.storage.batchWait),
          processors: buildProcessors(config.pipeline.processors),
          consumers: [catalogConsumer(get<AttributeCatalog>('catalog')), ...(learner ? [learner] : []), ...(spanMetrics ? [spanMetrics] : [])],
          deadLetters: new DeadLetters(join(dataDir, 'dead-letter'), metrics, log),
          ...(tail && { tail }),
        },
        metrics,
        log,
      );
      if (replay.length > 0) {
        const spans = await pipeline.replay(replay, storeHolds);
        log.info({ records: replay.length, spans }, 'replayed the write-ahead log into the store');
      }
      pipeline.start();
      spanMetrics?.start();
      return value(pipeline, () => pipeline.stop());
    },
  },
  'otlp-http': httpModule(
    ['pipeline'],
    'otlpHttp',
    { ingest: true },
    (a, { config, metrics }, get) =>
      a.register(otlpHttpReceiver, { pipeline: get<IngestPipeline>('pipeline'), metrics, maxRequestBytes: config.limits.maxRequestBytes }),
    (url) => `${url}/v1/traces`,
  ),
  'otlp-grpc': {
    deps: ['pipeline', 'tls'],
    async start({ config, log, metrics, addresses }, get) {
      const tls = get<TlsFiles | undefined>('tls');
      const grpc = await startOtlpGrpc({
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
  zipkin: httpModule(['pipeline', 'store', 'catalog', 'metrics-store'], 'zipkin', { ingest: true, compress: true }, (a, { config, metrics }, get) =>
    a.register(zipkinApp, {
      pipeline: get<IngestPipeline>('pipeline'),
      store: get<Store>('store'),
      metricsStore: get<MetricsStore>('metrics-store'),
      catalog: get<AttributeCatalog>('catalog'),
      metrics,
      maxRequestBytes: config.limits.maxRequestBytes,
    }),
  ),
  'jaeger-thrift-http': httpModule(['pipeline', 'sampling'], 'jaegerThriftHttp', { ingest: true }, (a, { config, metrics }, get) =>
    a
      .register(samplingRoute, { strategies: get<Sampling>('sampling').strategies })
      .register(jaegerThriftReceiver, { pipeline: get<IngestPipeline>('pipeline'), metrics, maxRequestBytes: config.limits.maxRequestBytes }),
  ),
  'jaeger-agent': {
    deps: ['pipeline'],
    async start({ config, log, metrics, addresses }, get) {
      const agent = await startJaegerAgent({ config, log, metrics, pipeline: get<IngestPipeline>('pipeline') });
      addresses.jaegerCompact = agent.compact;
      addresses.jaegerBinary = agent.binary;
      return value(agent, () => agent.stop());
    },
  },
  query: httpModule(['store', 'wal', 'catalog', 'sampling', 'metrics-store', 'span-metrics', 'slos'], 'query', { ingest: false, compress: true }, (a, { config, metrics }, get) => {
    const metricsStore = get<MetricsStore>('metrics-store');
    const spanMetrics = get<SpanMetricsConsumer | undefined>('span-metrics');
    return a.register(samplingRoute, { strategies: get<Sampling>('sampling').strategies }).register(queryApp, {
      store: get<Store>('store'),
      wal: get<{ wal: WriteAheadLog }>('wal').wal,
      metrics,
      catalog: get<AttributeCatalog>('catalog'),
      maxRequestBytes: config.limits.maxRequestBytes,
      serveSourceMaps: config.ui.serveSourceMaps,
      metricsStore,
      health: new ServiceHealthQueries(metricsStore, OVERFLOW_OPERATION),
      ...(spanMetrics && { prometheus: spanMetrics.prometheus }),
      nativeRoutes: [
        async (app) => {
          await app.register(get<Slos>('slos').routes);
        },
      ],
      mcp: { slos: () => get<Slos>('slos').views() },
    });
  }),
  tempo: httpModule(['store', 'catalog'], 'tempo', { ingest: false, compress: true }, (a, _ctx, get) =>
    a.register(tempoApi, { store: get<Store>('store'), catalog: get<AttributeCatalog>('catalog') }),
  ),
  retention: {
    deps: ['store', 'metrics-store'],
    async start({ config, log }, get) {
      const r = startRetention(get<Store>('store'), durationMs(config.retention.spans), log, undefined, {
        store: get<MetricsStore>('metrics-store'),
        retentionMs: durationMs(config.retention.metrics),
      });
      return value(r, async () => r.stop());
    },
  },
};

export const ALL_ROLES = ['otlp-grpc', 'otlp-http', 'zipkin', 'jaeger-thrift-http', 'jaeger-agent', 'query', 'tempo', 'retention'] as const;

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
  const logger = log ?? pino({ level: config.log.level, base: { service: 'clew' } });
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const addresses: Record<string, string> = {};
  const ctx: Ctx = { config, log: logger, metrics: createMetrics(), dataDir, addresses };
  const modules = await startModules(MODULES, ALL_ROLES, ctx);
  let stopping: Promise<void> | undefined;
  return {
    addresses,
    dataDir,
    stop: () => (stopping ??= modules.stop()),
  };
}
