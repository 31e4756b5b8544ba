import { basename } from 'node:path';
import { afterAll } from 'vitest';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import { describeMetricsStoreConformance } from '../../conformance.js';
import type { ClickHouseMetricsStore } from './clickhouse-metrics-store.js';
import { openClickHouseMetricsStore } from './clickhouse-metrics-store.js';

const clickhouse = useClickHouseServer();
const databases = new Set<string>();

/** Each harness dir gets its own database, named after it: the same dir (a reopen) opens the same database. */
const databaseOf = (dir: string): string => {
  const db = `clew_metrics_${basename(dir).replace(/[^A-Za-z0-9]/g, '_')}`;
  databases.add(db);
  return db;
};

const run = async (sql: string): Promise<string> => {
  const res = await fetch(`${clickhouse().url}/`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text.trim();
};

afterAll(async () => {
  for (const db of databases) await run(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
});

describeMetricsStoreConformance('clickhouse', {
  open: ({ dir }) => openClickHouseMetricsStore({ url: clickhouse().url, database: databaseOf(dir) }),
  maintain: (store) => (store as ClickHouseMetricsStore).maintain(),
});
