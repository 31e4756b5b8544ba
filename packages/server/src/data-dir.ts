/*
 * `@clew/server/data-dir`: what the clew command needs of this package to work on a data directory itself (export,
 * archive and import with -d): its write-ahead log, the export's selection of spans, and the span metrics with their
 * store, without loading the server (fastify, gRPC, the MCP server). With the stores loaded, the whole package takes
 * 0.36–0.44 s to load (about 0.5 CPU seconds), this 0.16–0.19 s (0.25): the most of it is the configuration's schema,
 * which gives the metrics' defaults.
 */
export { resolveConfig } from './config/load.js';
export type { ExportSelection, SelectedSpans } from './api/export/select-spans.js';
export { selectSpans } from './api/export/select-spans.js';
export type { SpanMetricsOptions } from './span-metrics/span-metrics-consumer.js';
export { SpanMetricsConsumer } from './span-metrics/span-metrics-consumer.js';
export { openDataDirMetricsStore, spanMetricsOptions } from './span-metrics/span-metrics-config.js';
export { walRecordsAfter } from './wal/wal.js';
