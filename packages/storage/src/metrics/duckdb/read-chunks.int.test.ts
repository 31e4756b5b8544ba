import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { idFilter } from './read-chunks.js';

describe('idFilter', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await conn.run('CREATE TABLE r AS SELECT range::INTEGER AS id FROM range(20)');
  });
  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });
  const selected = async (ids: number[] | null): Promise<number[]> =>
    (await conn.runAndReadAll(`SELECT id FROM r WHERE true${idFilter('id', ids)} ORDER BY id`)).getRows().map((row) => Number(row[0]));

  it('selects exactly the ids of a list with gaps, through its range and the list', async () => {
    expect(idFilter('id', [7, 3, 12])).toBe(' AND id BETWEEN 3 AND 12 AND list_contains([7, 3, 12], id)');
    expect(await selected([7, 3, 12])).toEqual([3, 7, 12]);
  });

  it('is the range alone when the list covers it, one id, or is too long to plan cheaply', async () => {
    expect(idFilter('id', [5, 4, 6, 4])).toBe(' AND id BETWEEN 4 AND 6');
    expect(await selected([5, 4, 6])).toEqual([4, 5, 6]);
    expect(idFilter('id', [9])).toBe(' AND id = 9');
    expect(await selected([9])).toEqual([9]);
    const long = Array.from({ length: 300 }, (_, i) => 2 * i);
    expect(idFilter('id', long)).toBe(' AND id BETWEEN 0 AND 598');
  });

  it('matches nothing for no ids and everything for null', async () => {
    expect(await selected([])).toEqual([]);
    expect(await selected(null)).toHaveLength(20);
  });
});
