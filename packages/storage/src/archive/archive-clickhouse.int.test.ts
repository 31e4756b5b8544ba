import { basename } from 'node:path';
import { afterAll } from 'vitest';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import { openClickHouseMetricsStore } from '../clickhouse/metrics/clickhouse-metrics-store.js';
import { openClickHouseStore } from '../clickhouse/clickhouse-store.js';
import { describeArchiveConformance } from './archive-conformance.js';

const clickhouse = useClickHouseServer();
const databases = new Set<string>();

afterAll(async () => {
  for (const db of databases) await fetch(`${clickhouse().url}/`, { method: 'POST', body: `DROP DATABASE IF EXISTS ${db}` }).catch(() => undefined);
});

// The live spans and the metrics in one database, the archive in `<db>_archive`, as `clew serve` opens them.
describeArchiveConformance('clickhouse', async ({ dir, now }) => {
  const database = `clew_test_${basename(dir).replace(/[^A-Za-z0-9]/g, '_')}`;
  databases.add(database).add(`${database}_archive`);
  const url = clickhouse().url;
  return {
    live: await openClickHouseStore({ url, database, now }),
    archived: await openClickHouseStore({ url, database: `${database}_archive`, source: 'archive', now }),
    metrics: await openClickHouseMetricsStore({ url, database }),
  };
});
