import { describe, expect, it } from 'vitest';
import { LOCAL_TABLES, SINGLE_TABLES } from './cluster.js';
import { codecStatements, versionAtLeast } from './server-features.js';

describe('ClickHouse server features', () => {
  it.each([
    ['18.16.1', false],
    ['19.17.4.11', false],
    ['20.1.2.4', true],
    ['20.10.3', true],
    ['24.8.4.13', true],
    ['', false],
  ])('codecs on %s: %s', (version, has) => {
    expect(versionAtLeast(version, 20, 1)).toBe(has);
  });

  it('gives the data tables their codecs, by their names on one server or on a shard', () => {
    const one = codecStatements('clew', SINGLE_TABLES);
    expect(one).toHaveLength(2);
    expect(one[0]).toMatch(/^ALTER TABLE clew\.spans MODIFY COLUMN start UInt64 CODEC\(Delta, ZSTD\(1\)\), MODIFY COLUMN dur UInt64 CODEC\(T64, ZSTD\(1\)\)/);
    expect(one[1]).toMatch(/^ALTER TABLE clew\.trace_index MODIFY COLUMN first UInt64 CODEC\(Delta, ZSTD\(1\)\)/);
    const shard = codecStatements('clew', LOCAL_TABLES);
    expect(shard[0]).toMatch(/^ALTER TABLE clew\.spans_local /);
    expect(shard[1]).toMatch(/^ALTER TABLE clew\.trace_index_local /);
    // Ids stay as they are: random bytes gain nothing from a codec.
    expect(one.join(' ')).not.toMatch(/trace_id|span_id/);
  });
});
