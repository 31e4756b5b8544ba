import { join } from 'node:path';
import { describeMetricsStoreConformance } from '../../conformance.js';
import type { DuckDBMetricsStore } from './duckdb-metrics-store.js';
import { openDuckDBMetricsStore } from './duckdb-metrics-store.js';

describeMetricsStoreConformance('duckdb', {
  open: ({ dir }) => openDuckDBMetricsStore({ path: join(dir, 'metrics', 'metrics.duckdb'), memoryLimit: '256MB', threads: 2, maintenanceIntervalMs: 0 }),
  maintain: (store) => (store as DuckDBMetricsStore).maintain(),
});
