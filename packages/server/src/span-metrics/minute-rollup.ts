import type { ServiceGraphEdge } from '@clew/analysis';
import { LatencyBinsBuilder } from '@clew/analysis';
import type { SpanKind, StatusCode } from '@clew/model';
import type { EdgeRow, ErrorRow, MetricsBatch, SpanMetricsRow } from '@clew/storage';

export const MINUTE_MS = 60_000;

/** Where an edge of a connection type is kept among an edge's accumulators. */
export function connectionSlot(type: EdgeRow['connectionType']): number {
  return type === '' ? 0 : type === 'messaging_system' ? 1 : type === 'database' ? 2 : 3;
}

export interface SpanAcc {
  readonly minute: number;
  readonly service: string;
  readonly operation: string;
  readonly kind: SpanKind;
  readonly status: StatusCode;
  count: number;
  durationSumNanos: number;
  readonly latency: LatencyBinsBuilder;
}

export interface EdgeAcc {
  readonly minute: number;
  readonly client: string;
  readonly server: string;
  readonly connectionType: EdgeRow['connectionType'];
  count: number;
  failed: number;
  readonly clientLatency: LatencyBinsBuilder;
  readonly serverLatency: LatencyBinsBuilder;
}

type ErrorAcc = { -readonly [K in keyof ErrorRow]: ErrorRow[K] };

/** An operation's error accumulators: by kind, then type, then message. */
export type ErrorSlots = Array<Map<string, Map<string, ErrorAcc>> | undefined>;

/** A minute and service's errors: how many distinct kinds (the caller bounds them), and each operation's accumulators. */
export interface ServiceErrors {
  kinds: number;
  readonly byOperation: Map<string, ErrorSlots>;
}

/** The error kind a minute and service's kinds past the limit are counted as. */
export const OTHER_ERRORS = '(other errors)';

/**
 * Per-minute span metrics, edges and errors counted since the last flush: the deltas one append writes. Keys are
 * joined with NUL, which no name holds.
 */
export class MinuteRollup {
  /** minute → service → operation → accumulators by kind × 3 + status: no key text made per span. */
  private spans = new Map<number, Map<string, Map<string, Array<SpanAcc | undefined>>>>();
  /** minute → client → server → accumulators by connection type. */
  private edges = new Map<number, Map<string, Map<string, Array<EdgeAcc | undefined>>>>();
  /** minute → service → its errors: no key text made per error span. */
  private errors = new Map<number, Map<string, ServiceErrors>>();

  get empty(): boolean {
    return this.spans.size === 0 && this.edges.size === 0 && this.errors.size === 0;
  }

  addSpan(minute: number, service: string, operation: string, kind: SpanKind, status: StatusCode, weight: number, durationNanos: number): void {
    this.addTo(this.slotsFor(minute, service, operation), minute, service, operation, kind, status, weight, durationNanos);
  }

  /** The accumulators of one minute, service and operation (by kind × 3 + status): a caller may keep and reuse them. */
  slotsFor(minute: number, service: string, operation: string): Array<SpanAcc | undefined> {
    let byService = this.spans.get(minute);
    if (byService === undefined) this.spans.set(minute, (byService = new Map()));
    let byOperation = byService.get(service);
    if (byOperation === undefined) byService.set(service, (byOperation = new Map()));
    let slots = byOperation.get(operation);
    if (slots === undefined) byOperation.set(operation, (slots = []));
    return slots;
  }

  /** Counts a span into accumulators slotsFor gave for its minute, service and operation. */
  addTo(
    slots: Array<SpanAcc | undefined>,
    minute: number,
    service: string,
    operation: string,
    kind: SpanKind,
    status: StatusCode,
    weight: number,
    durationNanos: number,
  ): void {
    const slot = kind * 3 + status;
    let acc = slots[slot];
    if (acc === undefined) {
      acc = { minute, service, operation, kind, status, count: 0, durationSumNanos: 0, latency: new LatencyBinsBuilder() };
      slots[slot] = acc;
    }
    acc.count += weight;
    acc.durationSumNanos += durationNanos * weight;
    acc.latency.add(durationNanos, weight);
  }

  /**
   * Counts an error of kind (type, message). Past `maxKinds` distinct kinds in the minute and service, a new kind is
   * counted as OTHER_ERRORS (with no type); the kinds already seen go on counting as themselves.
   */
  addError(minute: number, service: string, operation: string, kind: SpanKind, type: string, message: string, weight: number, maxKinds = Infinity): void {
    const errors = this.serviceErrors(minute, service);
    this.addErrorTo(errors, this.errorSlotsFor(errors, operation), minute, service, operation, kind, type, message, weight, maxKinds);
  }

  /** The errors of one minute and service: a caller may keep and reuse them, with errorSlotsFor's. */
  serviceErrors(minute: number, service: string): ServiceErrors {
    let byService = this.errors.get(minute);
    if (byService === undefined) this.errors.set(minute, (byService = new Map()));
    let errors = byService.get(service);
    if (errors === undefined) byService.set(service, (errors = { kinds: 0, byOperation: new Map() }));
    return errors;
  }

  /** The error accumulators of one operation among a minute and service's errors. */
  errorSlotsFor(errors: ServiceErrors, operation: string): ErrorSlots {
    let slots = errors.byOperation.get(operation);
    if (slots === undefined) errors.byOperation.set(operation, (slots = []));
    return slots;
  }

  /** Counts an error into the accumulators serviceErrors and errorSlotsFor gave for its minute, service and operation. */
  addErrorTo(
    errors: ServiceErrors,
    slots: ErrorSlots,
    minute: number,
    service: string,
    operation: string,
    kind: SpanKind,
    type: string,
    message: string,
    weight: number,
    maxKinds: number,
  ): void {
    let byType = slots[kind];
    if (byType === undefined) slots[kind] = byType = new Map();
    let byMessage = byType.get(type);
    let acc = byMessage?.get(message);
    if (acc === undefined && errors.kinds >= maxKinds) {
      // A new kind past the limit: it counts as the one bucket of other errors.
      type = '';
      message = OTHER_ERRORS;
      byMessage = byType.get(type);
      acc = byMessage?.get(message);
    }
    if (acc !== undefined) {
      acc.count += weight;
      return;
    }
    if (byMessage === undefined) byType.set(type, (byMessage = new Map()));
    byMessage.set(message, { minute, service, operation, kind, type, message, count: weight });
    errors.kinds++;
  }

  /** Counts an edge under `client` and `server` (its own ends by default; the consumer passes them keyed by tenant). */
  addEdge(e: ServiceGraphEdge, weight: number, client = e.client, server = e.server): void {
    const minute = Math.floor(e.epochMs / MINUTE_MS) * MINUTE_MS;
    this.addEdgeTo(this.edgeSlotsFor(minute, client, server), minute, client, server, e, weight);
  }

  /** The accumulators of one minute's edges from `client` to `server` (by connectionSlot): a caller may keep and reuse them. */
  edgeSlotsFor(minute: number, client: string, server: string): Array<EdgeAcc | undefined> {
    let byClient = this.edges.get(minute);
    if (byClient === undefined) this.edges.set(minute, (byClient = new Map()));
    let byServer = byClient.get(client);
    if (byServer === undefined) byClient.set(client, (byServer = new Map()));
    let slots = byServer.get(server);
    if (slots === undefined) byServer.set(server, (slots = []));
    return slots;
  }

  /** Counts an edge of `minute` into accumulators edgeSlotsFor gave for it, under `client` and `server`. */
  addEdgeTo(slots: Array<EdgeAcc | undefined>, minute: number, client: string, server: string, e: ServiceGraphEdge, weight: number): void {
    const slot = connectionSlot(e.connectionType);
    let acc = slots[slot];
    if (acc === undefined) {
      acc = {
        minute,
        client,
        server,
        connectionType: e.connectionType,
        count: 0,
        failed: 0,
        clientLatency: new LatencyBinsBuilder(),
        serverLatency: new LatencyBinsBuilder(),
      };
      slots[slot] = acc;
    }
    acc.count += weight;
    if (e.failed) acc.failed += weight;
    // Tempo records the side that was seen: a virtual client has no client duration, a virtual server no server one.
    if (e.virtualNode !== 'client') acc.clientLatency.add(e.clientDurationNanos, weight);
    if (e.virtualNode !== 'server' || e.connectionType === 'database') acc.serverLatency.add(e.serverDurationNanos, weight);
  }

  /**
   * Adds what `other` counted, which is left empty: rows this rollup lacks are moved over, the rest added up (latency
   * bins merged). Error kinds past `maxErrorKinds` in a minute and service count as OTHER_ERRORS, as addErrorTo counts
   * them. The same rows as counting `other`'s spans and edges here, bar which error kinds reach the limit first.
   */
  merge(other: MinuteRollup, maxErrorKinds = Infinity): void {
    for (const acc of other.spanAccs()) {
      const slots = this.slotsFor(acc.minute, acc.service, acc.operation);
      const slot = acc.kind * 3 + acc.status;
      const mine = slots[slot];
      if (mine === undefined) slots[slot] = acc;
      else {
        mine.count += acc.count;
        mine.durationSumNanos += acc.durationSumNanos;
        mine.latency.merge(acc.latency);
      }
    }
    for (const acc of other.edgeAccs()) {
      const slots = this.edgeSlotsFor(acc.minute, acc.client, acc.server);
      const slot = connectionSlot(acc.connectionType);
      const mine = slots[slot];
      if (mine === undefined) slots[slot] = acc;
      else {
        mine.count += acc.count;
        mine.failed += acc.failed;
        mine.clientLatency.merge(acc.clientLatency);
        mine.serverLatency.merge(acc.serverLatency);
      }
    }
    for (const acc of other.errorAccs()) {
      const errors = this.serviceErrors(acc.minute, acc.service);
      const slots = this.errorSlotsFor(errors, acc.operation);
      this.addErrorTo(errors, slots, acc.minute, acc.service, acc.operation, acc.kind, acc.type, acc.message, acc.count, maxErrorKinds);
    }
    other.spans = new Map();
    other.edges = new Map();
    other.errors = new Map();
  }

  private *errorAccs(): Generator<ErrorAcc> {
    for (const byService of this.errors.values()) {
      for (const { byOperation } of byService.values()) {
        for (const slots of byOperation.values()) {
          for (const byType of slots) if (byType !== undefined) for (const byMessage of byType.values()) yield* byMessage.values();
        }
      }
    }
  }

  private *edgeAccs(): Generator<EdgeAcc> {
    for (const byClient of this.edges.values()) {
      for (const byServer of byClient.values()) {
        for (const slots of byServer.values()) for (const acc of slots) if (acc !== undefined) yield acc;
      }
    }
  }

  private *spanAccs(): Generator<SpanAcc> {
    for (const byService of this.spans.values()) {
      for (const byOperation of byService.values()) {
        for (const slots of byOperation.values()) {
          for (const acc of slots) if (acc !== undefined) yield acc;
        }
      }
    }
  }

  /** The rows counted so far; the rollup starts empty again. */
  take(): MetricsBatch {
    const spans: SpanMetricsRow[] = [];
    for (const a of this.spanAccs()) {
      spans.push({
        minute: a.minute,
        service: a.service,
        operation: a.operation,
        kind: a.kind,
        status: a.status,
        count: a.count,
        durationSumNanos: a.durationSumNanos,
        latency: a.latency.build(),
      });
    }
    const edges: EdgeRow[] = [];
    for (const a of this.edgeAccs()) {
      edges.push({
        minute: a.minute,
        client: a.client,
        server: a.server,
        connectionType: a.connectionType,
        count: a.count,
        failed: a.failed,
        clientLatency: a.clientLatency.build(),
        serverLatency: a.serverLatency.build(),
      });
    }
    const errors: ErrorRow[] = [...this.errorAccs()];
    this.spans = new Map();
    this.edges = new Map();
    this.errors = new Map();
    return { spans, edges, errors };
  }
}
