import type { ServiceGraphEdge } from '@clew/analysis';
import { doubles } from '@clew/analysis';
import type { SpanKind, StatusCode } from '@clew/model';
import { connectionSlot } from './minute-rollup.js';

/** Tempo's metrics-generator defaults: span latency buckets 2 ms × 2^n (14), service-graph buckets 100 ms × 2^n (8). */
export const SPAN_LATENCY_BUCKETS = Array.from({ length: 14 }, (_, i) => 0.002 * 2 ** i);
export const GRAPH_LATENCY_BUCKETS = Array.from({ length: 8 }, (_, i) => 0.1 * 2 ** i);

const KIND_LABEL = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_LABEL = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/**
 * A histogram as one array of doubles: its count, its sum, then each bucket's own weight (made cumulative when
 * written). One array rather than an object holding one: a span's observation reaches its numbers a load sooner.
 */
type Histogram = number[];

function newHistogram(bounds: readonly number[]): Histogram {
  return doubles(bounds.length + 2);
}

function observe(h: Histogram, bounds: readonly number[], seconds: number, weight: number): void {
  h[0]! += weight;
  h[1]! += seconds * weight;
  for (let i = 0; i < bounds.length; i++) {
    if (seconds <= bounds[i]!) {
      h[i + 2]! += weight;
      return;
    }
  }
}

function writeHistogram(h: Histogram, bounds: readonly number[], lines: string[], name: string, labels: string): void {
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    cumulative += h[i + 2]!;
    lines.push(`${name}_bucket{${labels},le="${formatNumber(bounds[i]!)}"} ${formatNumber(cumulative)}`);
  }
  lines.push(`${name}_bucket{${labels},le="+Inf"} ${formatNumber(h[0]!)}`);
  lines.push(`${name}_sum{${labels}} ${formatNumber(h[1]!)}`);
  lines.push(`${name}_count{${labels}} ${formatNumber(h[0]!)}`);
}

export interface SpanSeries {
  readonly labels: string;
  calls: number;
  readonly latency: Histogram;
}

export interface EdgeSeries {
  readonly labels: string;
  requests: number;
  failed: number;
  readonly server: Histogram;
  readonly client: Histogram;
}

/**
 * Span metrics and the service graph as Prometheus series with Tempo's metrics-generator names and labels
 * (`traces_spanmetrics_calls_total{service, span_name, span_kind, status_code}`, `traces_spanmetrics_latency`,
 * `traces_service_graph_request_total{client, server, connection_type}`, `…_failed_total`,
 * `…_request_server_seconds`, `…_request_client_seconds`), so Grafana's service graph and RED panels work from a
 * Prometheus that scrapes Clew. Counters start at zero with the process, as Tempo's do; Prometheus takes a reset in
 * its stride.
 */
export class PrometheusSeries {
  /** service → operation → series by kind × 3 + status. */
  private readonly spans = new Map<string, Map<string, Array<SpanSeries | undefined>>>();
  /** client → server → series by connectionSlot. */
  private readonly edges = new Map<string, Map<string, Array<EdgeSeries | undefined>>>();

  observeSpan(service: string, operation: string, kind: SpanKind, status: StatusCode, weight: number, durationNanos: number): void {
    this.observeIn(this.slotsFor(service, operation), service, operation, kind, status, weight, durationNanos);
  }

  /** The series of one service and operation (by kind × 3 + status): a caller may keep and reuse them. */
  slotsFor(service: string, operation: string): Array<SpanSeries | undefined> {
    let byOperation = this.spans.get(service);
    if (byOperation === undefined) this.spans.set(service, (byOperation = new Map()));
    let slots = byOperation.get(operation);
    if (slots === undefined) byOperation.set(operation, (slots = []));
    return slots;
  }

  /** Counts a span into the series slotsFor gave for its service and operation. */
  observeIn(slots: Array<SpanSeries | undefined>, service: string, operation: string, kind: SpanKind, status: StatusCode, weight: number, durationNanos: number): void {
    let s = slots[kind * 3 + status];
    if (s === undefined) {
      const labels = `service="${escapeLabel(service)}",span_kind="${KIND_LABEL[kind] ?? kind}",span_name="${escapeLabel(operation)}",status_code="${STATUS_LABEL[status] ?? status}"`;
      s = { labels, calls: 0, latency: newHistogram(SPAN_LATENCY_BUCKETS) };
      slots[kind * 3 + status] = s;
    }
    s.calls += weight;
    observe(s.latency, SPAN_LATENCY_BUCKETS, durationNanos / 1e9, weight);
  }

  observeEdge(e: ServiceGraphEdge, weight: number): void {
    this.observeEdgeIn(this.edgeSlotsFor(e.client, e.server), e, weight);
  }

  /** The series of edges from `client` to `server` (by connectionSlot): a caller may keep and reuse them. */
  edgeSlotsFor(client: string, server: string): Array<EdgeSeries | undefined> {
    let byServer = this.edges.get(client);
    if (byServer === undefined) this.edges.set(client, (byServer = new Map()));
    let slots = byServer.get(server);
    if (slots === undefined) byServer.set(server, (slots = []));
    return slots;
  }

  /** Counts an edge into the series edgeSlotsFor gave for its client and server. */
  observeEdgeIn(slots: Array<EdgeSeries | undefined>, e: ServiceGraphEdge, weight: number): void {
    const slot = connectionSlot(e.connectionType);
    let s = slots[slot];
    if (s === undefined) {
      const labels = `client="${escapeLabel(e.client)}",connection_type="${e.connectionType}",server="${escapeLabel(e.server)}"`;
      s = { labels, requests: 0, failed: 0, server: newHistogram(GRAPH_LATENCY_BUCKETS), client: newHistogram(GRAPH_LATENCY_BUCKETS) };
      slots[slot] = s;
    }
    s.requests += weight;
    if (e.failed) s.failed += weight;
    observe(s.server, GRAPH_LATENCY_BUCKETS, e.serverDurationNanos / 1e9, weight);
    observe(s.client, GRAPH_LATENCY_BUCKETS, e.clientDurationNanos / 1e9, weight);
  }

  private *spanSeries(): Generator<SpanSeries> {
    for (const byOperation of this.spans.values()) {
      for (const slots of byOperation.values()) for (const s of slots) if (s !== undefined) yield s;
    }
  }

  private *edgeSeries(): Generator<EdgeSeries> {
    for (const byServer of this.edges.values()) {
      for (const slots of byServer.values()) for (const s of slots) if (s !== undefined) yield s;
    }
  }

  /** The text exposition format (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('traces_spanmetrics_calls_total', 'counter', 'Spans counted, by service, span name, kind and status.');
    const spans = [...this.spanSeries()];
    for (const s of spans) lines.push(`traces_spanmetrics_calls_total{${s.labels}} ${formatNumber(s.calls)}`);
    family('traces_spanmetrics_latency', 'histogram', 'Span durations in seconds.');
    for (const s of spans) writeHistogram(s.latency, SPAN_LATENCY_BUCKETS, lines, 'traces_spanmetrics_latency', s.labels);
    const edges = [...this.edgeSeries()];
    family('traces_service_graph_request_total', 'counter', 'Requests between two nodes of the service graph.');
    for (const s of edges) lines.push(`traces_service_graph_request_total{${s.labels}} ${formatNumber(s.requests)}`);
    family('traces_service_graph_request_failed_total', 'counter', 'Failed requests between two nodes of the service graph.');
    for (const s of edges) lines.push(`traces_service_graph_request_failed_total{${s.labels}} ${formatNumber(s.failed)}`);
    family('traces_service_graph_request_server_seconds', 'histogram', 'Time for a request between two nodes as seen from the server.');
    for (const s of edges) writeHistogram(s.server, GRAPH_LATENCY_BUCKETS, lines, 'traces_service_graph_request_server_seconds', s.labels);
    family('traces_service_graph_request_client_seconds', 'histogram', 'Time for a request between two nodes as seen from the client.');
    for (const s of edges) writeHistogram(s.client, GRAPH_LATENCY_BUCKETS, lines, 'traces_service_graph_request_client_seconds', s.labels);
    return `${lines.join('\n')}\n`;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}
