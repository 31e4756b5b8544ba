import { join } from 'node:path';
import { openDuckDBMetricsStore } from '../metrics/duckdb/duckdb-metrics-store.js';
import { openDuckDBStore } from '../duckdb/duckdb-store.js';
import { describeArchiveConformance } from './archive-conformance.js';

describeArchiveConformance('duckdb', async ({ dir, now }) => ({
  live: await openDuckDBStore({ dir: join(dir, 'store'), now, checkpointIntervalMs: 0 }),
  archived: await openDuckDBStore({ dir: join(dir, 'archive'), now, checkpointIntervalMs: 0 }),
  metrics: await openDuckDBMetricsStore({ path: join(dir, 'metrics.duckdb') }),
}));
