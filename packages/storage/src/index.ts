export type { DependencyLink, Operation, OperationQuery, Store, StoreStats, TimeWindow, TraceQuery, TraceSearchResult, TraceSummary } from './store.js';
export type { DuckDBStoreOptions } from './duckdb/options.js';
export type { DuckDBStore } from './duckdb/duckdb-store.js';
export { openDuckDBStore } from './duckdb/duckdb-store.js';
