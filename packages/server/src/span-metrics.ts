/*
 * `@clew/server/span-metrics`: what `clew import -d` needs of this package to count what it imports into a data
 * directory's span metrics, as a Clew counts what it receives: the consumer, the directory's metrics store, and the
 * configuration's defaults for them, without loading the server (fastify, gRPC, the MCP server). It loads in
 * 0.16–0.19 s, most of it the configuration's schema; the whole package in 0.36–0.44 s.
 */
export { resolveConfig } from './config/load.js';
export type { SpanMetricsOptions } from './span-metrics/span-metrics-consumer.js';
export { SpanMetricsConsumer } from './span-metrics/span-metrics-consumer.js';
export { openDataDirMetricsStore, spanMetricsOptions } from './span-metrics/span-metrics-config.js';
