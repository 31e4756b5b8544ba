import * as imported from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import * as required from './node-api.js';

describe('@duckdb/node-api, required', () => {
  it("gives the package's own values: one copy of it, whichever way a module took it", () => {
    const names = Object.keys(required) as (keyof typeof required & keyof typeof imported)[];
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(required[name], name).toBe(imported[name]);
    // One class, not two alike: a chunk made through one is an instance of the other's.
    expect(required.DuckDBDataChunk.create([required.DuckDBVarCharType.instance])).toBeInstanceOf(imported.DuckDBDataChunk);
  });
});
