export type { DependencyLink, Operation, OperationQuery, Store, StoreStats, TimeWindow, TraceQuery, TraceSearchResult, TraceSummary } from './store.js';
