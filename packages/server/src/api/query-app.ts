import type { Store } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../observability/metrics.js';
import type { WriteAheadLog } from '../wal/wal.js';
import { jaegerApi } from './jaeger/index.js';
import { nativeApi } from './native/index.js';

export interface QueryAppOptions {
  readonly store: Store;
  readonly wal: WriteAheadLog;
  readonly metrics: Metrics;
}

/** The query port (16686): Jaeger's APIs, Prometheus metrics, health. */
export async function queryApp(app: FastifyInstance, opts: QueryAppOptions): Promise<void> {
  await app.register(jaegerApi, { store: opts.store });
  await app.register(nativeApi, { store: opts.store });

  app.get('/metrics', async (_req, reply) => {
    const [stats, walBytes] = await Promise.all([opts.store.stats(), opts.wal.diskBytes()]);
    opts.metrics.storeDiskBytes.set(stats.diskBytes);
    opts.metrics.storePartitions.set(stats.partitions);
    opts.metrics.walDiskBytes.set(walBytes);
    return reply.header('content-type', opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });

  app.get('/health', async () => ({ status: 'ok' }));
}
