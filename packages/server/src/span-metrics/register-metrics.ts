import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';
import type { SpanMetricsConsumer } from './span-metrics-consumer.js';

/** Span metrics' own health on Clew's `/metrics`: flushes, failures, operations over the limit, service-graph pairing. */
export function registerSpanMetricsMetrics(metrics: Metrics, consumer: SpanMetricsConsumer): void {
  const registers = [metrics.registry];
  let last = { flushes: 0, failures: 0 };
  new Counter({
    name: 'clew_span_metrics_flushes_total',
    help: 'Appends of counted minutes to the metrics store, by outcome (ok, failed: kept and written with the next).',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const s = consumer.stats();
      this.inc({ outcome: 'ok' }, s.flushes - last.flushes);
      this.inc({ outcome: 'failed' }, s.flushFailures - last.failures);
      last = { flushes: s.flushes, failures: s.flushFailures };
    },
  });
  new Gauge({
    name: 'clew_span_metrics_overflow_spans',
    help: 'Spans counted under the overflow operation since start, per tenant and service over its operation limit (metrics.maxOperationsPerService).',
    labelNames: ['tenant', 'service'] as const,
    registers,
    collect() {
      for (const [tenant, services] of consumer.stats().overflowedServices) for (const [service, n] of services) this.set({ tenant, service }, n);
    },
  });
  new Gauge({
    name: 'clew_service_graph_pending_edges',
    help: 'Client or server spans waiting for their other half (metrics.serviceGraphWait).',
    registers,
    collect() {
      this.set(consumer.graphCounters().pending);
    },
  });
  const graph = new Gauge({
    name: 'clew_service_graph_spans',
    help: 'Service-graph pairing since start: paired, virtual (expired into a virtual node), expired unpaired, evicted early (over metrics.serviceGraphMaxItems).',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const c = consumer.graphCounters();
      graph.set({ outcome: 'paired' }, c.paired);
      graph.set({ outcome: 'virtual' }, c.virtual);
      graph.set({ outcome: 'expired_unpaired' }, Object.values(c.expiredUnpaired).reduce((a, b) => a + b, 0));
      graph.set({ outcome: 'evicted_early' }, c.evictedEarly);
    },
  });
}
