/*
 * `@clew/server/data-dir`: what the clew command needs of this package to read a data directory itself (export and
 * archive with -d): its write-ahead log and the export's selection of spans, without loading the server (fastify,
 * gRPC, the MCP server) or its configuration. With the stores loaded, the whole package takes 0.36–0.44 s to load
 * (about 0.5 CPU seconds); this 20–25 ms.
 */
export type { ExportSelection, SelectedSpans } from './api/export/select-spans.js';
export { selectSpans } from './api/export/select-spans.js';
export { walRecordsAfter } from './wal/wal.js';
