import { join } from 'node:path';
import type { MetricsStore } from '@clew/storage';
import { openDuckDBMetricsStore } from '@clew/storage';
import { durationMs } from '../config/duration.js';
import type { ClewConfig } from '../config/schema.js';
import { metricsConfigSchema, storageConfigSchema } from '../config/sections.js';
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

/**
 * The configuration's `metrics` and `storage` sections with every default, as resolveConfig({}) gives them, read from
 * those sections' schemas alone: what a data directory's span metrics need, without loading the whole configuration's.
 */
export function metricsSectionsDefaults(): Pick<ClewConfig, 'metrics' | 'storage'> {
  return { metrics: metricsConfigSchema.parse(undefined), storage: storageConfigSchema.parse(undefined) };
}

/**
 * The embedded metrics store of a data directory, `<dataDir>/metrics/metrics.duckdb` (what `clew serve` opens), with
 * `threads` DuckDB threads (default: one per core this process may run on).
 */
export function openDataDirMetricsStore(dataDir: string, config: Pick<ClewConfig, 'storage'>, threads?: number): Promise<MetricsStore> {
  return openDuckDBMetricsStore({ path: join(dataDir, 'metrics', 'metrics.duckdb'), memoryLimit: config.storage.duckdb.metricsMemoryLimit, threads });
}
