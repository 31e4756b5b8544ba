import { createRequire } from 'node:module';
import type * as NodeApi from '@duckdb/node-api';

/*
 * The values this package takes from @duckdb/node-api, loaded with require; its types are imported from it as they
 * are (`import type`). The package is CommonJS: imported from an ES module, node first reads every one of its files
 * with cjs-module-lexer to learn what each exports (its index re-exports them all), and that was half of loading it:
 * 117–139 ms against about 60 ms required, and 195–244 ms of CPU against about 80, at the start of every command that
 * opens a store (`clew serve`, `import -d`, `export -d`, `archive -d`).
 */
const api = createRequire(import.meta.url)('@duckdb/node-api') as typeof NodeApi;

export const {
  blobValue,
  DuckDBBigIntType,
  DuckDBBooleanType,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBUBigIntType,
  DuckDBUHugeIntType,
  DuckDBUIntegerType,
  DuckDBUTinyIntType,
  DuckDBVarCharType,
} = api;
export type DuckDBDataChunk = NodeApi.DuckDBDataChunk;
export type DuckDBInstance = NodeApi.DuckDBInstance;
