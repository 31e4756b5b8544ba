/*
 * `@clew/server/span-metrics`: what `clew import -d` needs of this package to count what it imports into a data
 * directory's span metrics, as a Clew counts what it receives: the consumer, the directory's metrics store, and the
 * defaults of the configuration's `metrics` and `storage` sections, without loading the server (fastify, gRPC, the MCP
 * server) or the rest of the configuration's schema (its pipeline, tail-sampling and SLO sections: 60–85 ms more).
 */
export type { SpanMetricsOptions } from './span-metrics/span-metrics-consumer.js';
export { SpanMetricsConsumer } from './span-metrics/span-metrics-consumer.js';
export { metricsSectionsDefaults, openDataDirMetricsStore, spanMetricsOptions } from './span-metrics/span-metrics-config.js';
