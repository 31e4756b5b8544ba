import type { ClickHouseClient } from '@clickhouse/client';
import type { Tables } from './cluster.js';

/**
 * What the ClickHouse server allows beyond Debian's 18.16, which the schema is written for (schema.ts), and what
 * this store makes of it. See README.md "Newer servers".
 */
export interface ServerFeatures {
  /** `SELECT version()`, e.g. `18.16.1`. */
  readonly version: string;
  /**
   * Per-column compression codecs (20.1 and later): `applied` when the data tables now use them, `unavailable` on an
   * older server (LZ4, the server's default, for every column), or why applying them failed (the tables work
   * without them).
   */
  readonly codecs: 'applied' | 'unavailable' | { readonly failed: string };
}

/** Whether `version` (major.minor…) is at least `major.minor`. */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((x) => Number.parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}

/** The first release whose codecs (Delta, T64, ZSTD levels) the statements below use: 20.1. */
export const CODECS_SINCE = [20, 1] as const;

/**
 * The codec of each column that gains from one, for a server that has them: times as deltas (spans of a
 * (service, operation) are sorted by start, so start's deltas are small), durations by T64 (bit-packing their
 * unused high bits), and ZSTD over text that repeats (attribute values, bodies, the index's names). Random ids keep
 * LZ4: nothing compresses them. Each statement restates the column's type, as MODIFY COLUMN requires, and running
 * it again changes nothing; parts written before it keep their codec until merged.
 */
export function codecStatements(db: string, t: Tables): string[] {
  const spans: Array<[string, string, string]> = [
    ['start', 'UInt64', 'Delta, ZSTD(1)'],
    ['dur', 'UInt64', 'T64, ZSTD(1)'],
    ['attr_keys', 'Array(String)', 'ZSTD(3)'],
    ['attr_values', 'Array(String)', 'ZSTD(3)'],
    ['attr_types', 'String', 'ZSTD(3)'],
    ['event_keys', 'Array(String)', 'ZSTD(3)'],
    ['event_values', 'Array(String)', 'ZSTD(3)'],
    ['body', 'String', 'ZSTD(3)'],
  ];
  const index: Array<[string, string, string]> = [
    ['first', 'UInt64', 'Delta, ZSTD(1)'],
    ['last', 'UInt64', 'Delta, ZSTD(1)'],
    ['services', 'Array(String)', 'ZSTD(3)'],
    ['names', 'Array(String)', 'ZSTD(3)'],
  ];
  const alter = (table: string, columns: Array<[string, string, string]>) =>
    `ALTER TABLE ${db}.${table} ${columns.map(([c, type, codec]) => `MODIFY COLUMN ${c} ${type} CODEC(${codec})`).join(', ')}`;
  return [alter(t.spans, spans), alter(t.traceIndex, index)];
}

/**
 * Reads the server's version and, where it has codecs, applies them to the data tables (`t`: a single server's,
 * or one shard's local tables). A failure is reported, not thrown: the tables answer the same without codecs.
 */
export async function applyServerFeatures(client: ClickHouseClient, db: string, t: Tables): Promise<ServerFeatures> {
  const rows = await (await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json<{ v: string }>();
  const version = rows[0]?.v ?? '0';
  if (!versionAtLeast(version, ...CODECS_SINCE)) return { version, codecs: 'unavailable' };
  try {
    for (const statement of codecStatements(db, t)) await client.command({ query: statement });
    return { version, codecs: 'applied' };
  } catch (err) {
    return { version, codecs: { failed: err instanceof Error ? err.message : String(err) } };
  }
}
