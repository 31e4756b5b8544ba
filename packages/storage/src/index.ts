export type {
  ArchivedDay,
  EncodingBatch,
  MatchedSpan,
  Operation,
  OperationQuery,
  SearchAnchor,
  ServiceSpanCount,
  SpanReader,
  SpanScanWindow,
  Store,
  StoreStats,
  TenantRun,
  TimeWindow,
  TraceDigest,
  TracePoint,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
  TraceSort,
  TraceSummary,
} from './store.js';
export { StoreError } from './store.js';
export { countSpans, scanSpans, scanThroughTraces } from './scan-spans.js';
export type {
  AttributeCounts,
  AttributeCountsQuery,
  AttributeScope,
  HeatmapCell,
  HeatmapQuery,
  KeyCounts,
  LatencyHeatmap,
  SideCount,
  SpanFilter,
  SpanSelection,
  ValueCount,
} from './span-comparison.js';
export { HEATMAP_BUCKETS_PER_DOUBLING, heatmapDurationBounds, heatmapDurationBucket, sampleMarginPercent } from './span-comparison.js';
export { AttributeValueCounts, byScopeAndKey, KIND_NAMES, STATUS_NAMES } from './attribute-value-counts.js';
export type { DuckDBStoreOptions } from './duckdb/options.js';
export type { DuckDBStore } from './duckdb/duckdb-store.js';
export { openDuckDBStore } from './duckdb/duckdb-store.js';
export { encodeRows } from './duckdb/encode-rows.js';
export { TraceArchive, TenantArchive, type ArchiveRequest, type ArchiveResult } from './archive/trace-archive.js';
export { LiveStarts, RangeArchiveUnionStore } from './archive/range-archive-union.js';
export { ARCHIVE_COLLECTION, type ArchiveMark } from './archive/archive-mark.js';
export { openClickHouseStore, type ClickHouseStore, type ClickHouseStoreOptions } from './clickhouse/clickhouse-store.js';
export type {
  EdgeConnectionType,
  EdgePoint,
  EdgeQuery,
  EdgeRow,
  EpochMillis,
  ErrorQuery,
  ErrorRow,
  ErrorTotal,
  MetricsBatch,
  MetricsReader,
  MetricsStore,
  SpanMetricsDimension,
  SpanMetricsPoint,
  SpanMetricsQuery,
  SpanMetricsRow,
  StoredDocument,
} from './metrics/metrics-store.js';
export { withQuantiles } from './metrics/metrics-store.js';
export type { DuckDBMetricsStoreOptions } from './metrics/duckdb/options.js';
export type { DuckDBMetricsStore } from './metrics/duckdb/duckdb-metrics-store.js';
export { openDuckDBMetricsStore } from './metrics/duckdb/duckdb-metrics-store.js';
export { openClickHouseMetricsStore, type ClickHouseMetricsStore, type ClickHouseMetricsStoreOptions } from './clickhouse/metrics/clickhouse-metrics-store.js';
export { discardArchiveDir, newArchiveDir, RangeArchiveWriter, writeManifest } from './parquet/range-archive-writer.js';
export type { ArchiveFileHandler, ArchiveOptions, ArchiveProgress, StoreArchiveRequest } from './parquet/range-archive-copy.js';
export { readManifest, MANIFEST_FILE, type RangeArchiveDay, type RangeArchiveManifest } from './parquet/range-archive-manifest.js';
