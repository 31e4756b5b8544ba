import type { ErrorSummary, MapEdge, MapNode, OperationHealth, ServiceDetailResponse, ServiceHealth, ServiceMapResponse, SpanKindName } from '@clew/api';
import { SPAN_KIND_NAMES } from '@clew/api';
import { latencyQuantile, mergeLatencyBins } from '@clew/analysis';
import type { SpanKind, Tenant } from '@clew/model';
import type { MetricsReader, MetricsStore } from '@clew/storage';
import { metricsReaderFor } from '../tenant-readers.js';
import type { HealthWindow } from './health-window.js';
import { bucketStarts } from './health-window.js';
import { RED_QUANTILES, redFigures, redSeries } from './red-figures.js';

/** Most error kinds a service page lists. */
const TOP_ERRORS = 20;

const kindOf = (name: SpanKindName): SpanKind => SPAN_KIND_NAMES.indexOf(name) as SpanKind;

/**
 * Service health over the metrics rollups: the Services page, a service's page and the service map. Every figure is
 * read from the store (nothing from process memory), so a query node answers what the collectors counted. Built over
 * the MetricsStore it reads DEFAULT_TENANT's rollups; `forTenant` gives the same queries over another tenant's.
 */
export class ServiceHealthQueries {
  constructor(
    private readonly metricsStore: MetricsStore,
    /** The operation excess operations are counted under (the span-metrics consumer's). */
    private readonly overflowOperation: string,
    private readonly store: MetricsReader = metricsStore,
  ) {}

  /** The same queries over the tenant's rollups only (cheap: one per request). */
  forTenant(tenant: Tenant): ServiceHealthQueries {
    return new ServiceHealthQueries(this.metricsStore, this.overflowOperation, metricsReaderFor(this.metricsStore, tenant));
  }

  /**
   * Every service with spans in the window, with the figures of its spans of `kind`, a series and the window before.
   * Latency comes as the store's p50/p95/p99 of each point (RED_QUANTILES): the window's figures are read as one
   * point each, not added up from the series, whose quantiles do not add up.
   */
  async services(w: HealthWindow, kind: SpanKindName): Promise<ServiceHealth[]> {
    const k = kindOf(kind);
    const length = w.to - w.from;
    const q = { kinds: [k], groupBy: ['service'] as const, quantiles: RED_QUANTILES };
    const [series, totals, previous, any] = await Promise.all([
      this.store.spanMetrics({ ...q, from: w.from, to: w.to, step: w.step }),
      this.store.spanMetrics({ ...q, from: w.from, to: w.to }),
      this.store.spanMetrics({ ...q, from: w.from - length, to: w.from }),
      // Which services have spans of any kind: counts only.
      this.store.spanMetrics({ from: w.from, to: w.to, groupBy: ['service'], quantiles: [] }),
    ]);
    const starts = bucketStarts(w);
    const names = new Set([...any.map((p) => p.service!), ...series.map((p) => p.service!)]);
    const byService = groupBy(series, (p) => p.service!);
    const totalBy = new Map(totals.map((p) => [p.service!, p]));
    const prevBy = new Map(previous.map((p) => [p.service!, p]));
    return [...names].sort().map((service) => {
      const prev = prevBy.get(service);
      return {
        service,
        figures: redFigures(totalBy.get(service), length / 1000),
        previous: prev ? redFigures(prev, length / 1000) : null,
        series: redSeries(byService.get(service) ?? [], starts, w.step),
      };
    });
  }

  /** A service's series (optionally of one operation), its operations with their share of its time, and its errors. */
  async service(service: string, w: HealthWindow, kind: SpanKindName, operation: string | undefined): Promise<Omit<ServiceDetailResponse, 'from' | 'to' | 'step' | 'spanKind'>> {
    const k = kindOf(kind);
    const ops = operation === undefined ? {} : { operations: [operation] };
    const q = { from: w.from, to: w.to, services: [service], kinds: [k], quantiles: RED_QUANTILES };
    const [series, total, perOperation, errors] = await Promise.all([
      this.store.spanMetrics({ ...q, ...ops, step: w.step, groupBy: ['service'] }),
      this.store.spanMetrics({ ...q, ...ops, groupBy: ['service'] }),
      this.store.spanMetrics({ ...q, groupBy: ['operation'] }),
      this.store.topErrors({ from: w.from, to: w.to, service, ...(operation !== undefined && { operation }), limit: TOP_ERRORS }),
    ]);
    const seconds = (w.to - w.from) / 1000;
    const all = perOperation.reduce((n, p) => n + p.durationSumNanos, 0);
    const operations: OperationHealth[] = perOperation
      .map((p) => ({ operation: p.operation!, figures: redFigures(p, seconds), impact: all > 0 ? p.durationSumNanos / all : 0 }))
      .sort((a, b) => b.impact - a.impact || a.operation.localeCompare(b.operation));
    return {
      service,
      operation: operation ?? null,
      figures: redFigures(total[0], seconds),
      series: redSeries(series, bucketStarts(w), w.step),
      operations,
      errors: errors.map((e): ErrorSummary => ({ operation: e.operation, type: e.type, message: e.message, count: e.count, lastSeen: e.lastSeen })),
      overflowOperation: perOperation.some((p) => p.operation === this.overflowOperation) ? this.overflowOperation : null,
    };
  }

  /**
   * The service graph over the window: instrumented services (every service with spans) and what their edges name
   * (databases, virtual nodes), each edge with its rate, error rate and p95 (the client's wait; the server's when
   * no client span was seen).
   */
  async map(w: HealthWindow): Promise<Pick<ServiceMapResponse, 'nodes' | 'edges'>> {
    const [edges, services] = await Promise.all([
      this.store.edges({ from: w.from, to: w.to }),
      this.store.spanMetrics({ from: w.from, to: w.to, groupBy: ['service'] }),
    ]);
    const seconds = (w.to - w.from) / 1000;
    const instrumented = new Set(services.map((p) => p.service!));
    const nodes = new Map<string, MapNode['type']>();
    for (const s of instrumented) nodes.set(s, 'service');
    const mapEdges: MapEdge[] = edges.map((e) => {
      for (const [end, other] of [
        [e.client, 'client'],
        [e.server, 'server'],
      ] as const) {
        if (nodes.get(end) === 'service' || nodes.get(end) === 'database') continue;
        nodes.set(end, other === 'server' && e.connectionType === 'database' ? 'database' : e.connectionType === 'messaging_system' && other === 'server' ? 'messaging' : 'virtual');
      }
      const bins = e.clientLatency.keys.length > 0 || e.clientLatency.zeroCount > 0 ? e.clientLatency : e.serverLatency;
      const p95 = latencyQuantile(mergeLatencyBins([bins]), 0.95);
      return {
        client: e.client,
        server: e.server,
        connectionType: e.connectionType,
        count: e.count,
        rate: seconds > 0 ? e.count / seconds : 0,
        failed: e.failed,
        errorRate: e.count > 0 ? e.failed / e.count : null,
        p95Ms: Number.isNaN(p95) ? null : p95 / 1e6,
      };
    });
    return {
      nodes: [...nodes].map(([id, type]) => ({ id, type })).sort((a, b) => a.id.localeCompare(b.id)),
      edges: mapEdges.sort((a, b) => a.client.localeCompare(b.client) || a.server.localeCompare(b.server)),
    };
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}
