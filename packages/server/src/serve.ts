import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
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
import { WriteAheadLog } from './wal/wal.js';

interface Ctx {
  readonly config: ClewConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly dataDir: string;
  readonly addresses: Record<string, string>;
}

const value = <T>(v: T, stop: () => Promise<void> = async () => undefined): Running<T> => ({ value: v, stop });

type Getter = <T>(name: string) => T;

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
    deps,
    async start(ctx, get) {
      const { config, log, addresses } = ctx;
      const bodyLimit = opts.ingest ? { bodyLimit: config.limits.maxRequestBytes } : {};
      const app = await startHttpApp({ host: config.host, port: config.ports[port], log, ...bodyLimit, compress: opts.compress ?? false }, (a) =>
        setup(a, ctx, get),
      );
      addresses[port] = address(app.url);
      return value(app, () => app.close());
    },
  };
}

/** Clew's roles and what each needs. `clew serve` runs them all in one process. */
const MODULES: Record<string, ModuleDef<Ctx>> = {
  store: {
    deps: [],
    async start({ config, dataDir }) {
      const store = await openDuckDBStore({ dir: join(dataDir, 'store'), memoryLimit: config.storage.memoryLimit });
      return value(store, () => store.close());
    },
  },
  wal: {
    deps: ['store'],
    async start({ dataDir, log }, get) {
      const store = get<Store>('store');
      const opened = await WriteAheadLog.open({ dir: join(dataDir, 'wal') }, await store.lastWalPosition());
      for (const d of opened.damaged) {
        log.error(d, 'the write-ahead log holds a damaged record (a disk fault or a failed write); it is skipped and the records after it replay');
      }
      return value(opened, () => opened.wal.close());
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
      const { replay } = get<Awaited<ReturnType<typeof WriteAheadLog.open>>>('wal');
      return value(createSampling(config.pipeline.sampling, { replayedThrough: replay.at(-1)?.seq }));
    },
  },
  pipeline: {
    deps: ['store', 'wal', 'catalog', 'sampling'],
    async start({ config, log, metrics, dataDir }, get) {
      const { wal, replay } = get<Awaited<ReturnType<typeof WriteAheadLog.open>>>('wal');
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
          consumers: [catalogConsumer(get<AttributeCatalog>('catalog')), ...(learner ? [learner] : [])],
          deadLetters: new DeadLetters(join(dataDir, 'dead-letter'), metrics, log),
          ...(tail && { tail }),
        },
        metrics,
        log,
      );
      if (replay.length > 0) {
        const spans = await pipeline.replay(replay);
        log.info({ records: replay.length, spans }, 'replayed the write-ahead log into the store');
      }
      pipeline.start();
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
    deps: ['pipeline'],
    async start({ config, log, metrics, addresses }, get) {
      const grpc = await startOtlpGrpc({
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
  zipkin: httpModule(['pipeline', 'store', 'catalog'], 'zipkin', { ingest: true, compress: true }, (a, { config, metrics }, get) =>
    a.register(zipkinApp, {
      pipeline: get<IngestPipeline>('pipeline'),
      store: get<Store>('store'),
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
  query: httpModule(['store', 'wal', 'catalog', 'sampling'], 'query', { ingest: false, compress: true }, (a, { config, metrics }, get) =>
    a.register(samplingRoute, { strategies: get<Sampling>('sampling').strategies }).register(queryApp, {
      store: get<Store>('store'),
      wal: get<{ wal: WriteAheadLog }>('wal').wal,
      metrics,
      catalog: get<AttributeCatalog>('catalog'),
      maxRequestBytes: config.limits.maxRequestBytes,
      serveSourceMaps: config.ui.serveSourceMaps,
    }),
  ),
  tempo: httpModule(['store', 'catalog'], 'tempo', { ingest: false, compress: true }, (a, _ctx, get) =>
    a.register(tempoApi, { store: get<Store>('store'), catalog: get<AttributeCatalog>('catalog') }),
  ),
  retention: {
    deps: ['store'],
    async start({ config, log }, get) {
      const r = startRetention(get<Store>('store'), durationMs(config.retention.spans), log);
      return value(r, async () => r.stop());
    },
  },
};

export const ALL_ROLES = ['otlp-grpc', 'otlp-http', 'zipkin', 'jaeger-thrift-http', 'jaeger-agent', 'query', 'tempo', 'retention'] as const;

export interface RunningClew {
  /** Where each listener is: otlpGrpc (host:port), otlpHttp (URL of /v1/traces), zipkin and query (base URLs). */
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
