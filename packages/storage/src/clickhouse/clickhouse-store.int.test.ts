import { basename } from 'node:path';
import { afterAll } from 'vitest';
import { useClickHouseServer } from '@clew/testing/clickhouse-server';
import { describeStoreConformance } from '../conformance.js';
import { openClickHouseStore } from './clickhouse-store.js';

const clickhouse = useClickHouseServer();
const databases = new Set<string>();

/** Each harness dir gets its own database, named after it: the same dir (a reopen) opens the same database. */
const databaseOf = (dir: string): string => {
  const db = `clew_test_${basename(dir).replace(/[^A-Za-z0-9]/g, '_')}`;
  databases.add(db);
  return db;
};

afterAll(async () => {
  for (const db of databases) await fetch(`${clickhouse().url}/`, { method: 'POST', body: `DROP DATABASE IF EXISTS ${db}` }).catch(() => undefined);
});

describeStoreConformance('clickhouse', ({ dir, now }) => openClickHouseStore({ url: clickhouse().url, database: databaseOf(dir), now }));
