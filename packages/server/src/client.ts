/*
 * `@clew/server/client`: what the clew command needs of this package to talk to a running Clew (its export and
 * range archive routes and their formats, TraceQL to check a --query, tokens), without loading the server itself.
 * The whole package (fastify, gRPC, the stores) takes about a second to load; a command reading from or writing to a
 * Clew starts in a fraction of that with this instead.
 */
export type { ExportFormat } from './api/export/export-format.js';
export { encodeExportRequests, EXPORT_ROUTE, EXPORT_SPANS_HEADER } from './api/export/export-format.js';
export { RANGE_ARCHIVE_CONTENT_TYPE, RANGE_ARCHIVE_ROUTE, RangeArchiveFrames } from './api/export/range-archive-frames.js';
export { parseTraceQL } from './query/traceql/index.js';
export { createToken, hashToken } from './auth/tokens.js';
