import { join } from 'node:path';
import type { MetricsStore } from '@clew/storage';
import { openDuckDBMetricsStore } from '@clew/storage';
import { durationMs } from '../config/load.js';
import type { ClewConfig } from '../config/schema.js';
import type { SpanMetricsOptions } from './span-metrics-consumer.js';

/** The span-metrics consumer's options as the `metrics` section sets them. */
export function spanMetricsOptions(m: ClewConfig['metrics']): SpanMetricsOptions {
  return {
    maxOperationsPerService: m.maxOperationsPerService,
    flushIntervalMs: durationMs(m.flushInterval),
    serviceGraphWaitMs: durationMs(m.serviceGraphWait),
    serviceGraphMaxItems: m.serviceGraphMaxItems,
  };
}

/** The embedded metrics store of a data directory, `<dataDir>/metrics/metrics.duckdb` (what `clew serve` opens). */
export function openDataDirMetricsStore(dataDir: string, config: ClewConfig): Promise<MetricsStore> {
  return openDuckDBMetricsStore({ path: join(dataDir, 'metrics', 'metrics.duckdb'), memoryLimit: config.storage.duckdb.metricsMemoryLimit });
}
