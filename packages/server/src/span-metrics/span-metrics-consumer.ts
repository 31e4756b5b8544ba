import type { EdgeSink, GraphAttributeValues, ServiceGraphCounters } from '@clew/analysis';
import { ServiceGraphPairer } from '@clew/analysis';
import type { Resource, Span, Tenant } from '@clew/model';
import { DEFAULT_TENANT, serviceName, StatusCode } from '@clew/model';
import type { MetricsBatch, MetricsStore } from '@clew/storage';
import type { Logger } from 'pino';
import type { SpanConsumer } from '../pipeline/consumer.js';
import { adjustedCount } from './adjusted-count.js';
import { EdgeCells } from './edge-cells.js';
import { newScratchGraphSpan, pickGraphAttributes, toGraphSpan } from './graph-span.js';
import type { ErrorSlots, ServiceErrors, SpanAcc } from './minute-rollup.js';
import { MINUTE_MS, MinuteRollup } from './minute-rollup.js';
import type { SpanSeries } from './prometheus-series.js';
import { PrometheusSeries } from './prometheus-series.js';
import { spanError } from './span-error.js';
import { tenantKey, withTenants } from './tenant-key.js';

/** The operation that counts a service's spans once it has more distinct operations than the limit. */
export const OVERFLOW_OPERATION = '(other operations)';
/** Distinct error kinds kept per service and minute in one flush; new kinds past it count as OTHER_ERRORS (MinuteRollup.addErrorTo). */
const MAX_ERROR_KINDS = 100;
const NANOS_PER_MS = 1_000_000n;
const MINUTE_NS = BigInt(MINUTE_MS) * NANOS_PER_MS;

/**
 * A counted stretch of the log, the records after the segment before it through `end`: the rows of its spans and of
 * every edge whose oldest span is in it (rows taken for a write that failed wait in `taken`).
 */
interface Segment {
  rollup: MinuteRollup;
  taken: MetricsBatch[];
  readonly end: bigint;
}

/** A (service, span name)'s operation and accumulators, cached between spans (newCell). */
interface Cell {
  readonly operation: string;
  readonly prometheus: Array<SpanSeries | undefined>;
  rollup: MinuteRollup | undefined;
  minute: number;
  slots: Array<SpanAcc | undefined> | undefined;
  /** The minute and service's errors and this operation's among them, looked up at the first error span. */
  errors: ServiceErrors | undefined;
  errorSlots: ErrorSlots | undefined;
}

/** The key of a service's overflow cell among span names: NUL, which no name a span sends holds. */
const OVERFLOW_CELL = '\u0000overflow';

export interface SpanMetricsOptions {
  readonly maxOperationsPerService: number;
  /** A tenant's own operation limit (tenants.<name>.maxOperationsPerService), when it has one. */
  readonly maxOperationsOf?: (tenant: Tenant) => number | undefined;
  readonly flushIntervalMs: number;
  readonly serviceGraphWaitMs: number;
  readonly serviceGraphMaxItems: number;
  /** The clock for the service graph's waits; Date.now by default. */
  readonly now?: () => number;
  /**
   * Counting spans that never went through the log (`clew import` into a data directory): push's positions are the
   * caller's own numbers for its batches (from 1), and the store's log position is left where it was, so that the
   * Clew that owns the directory resumes its log as before. A batch may be pushed before it is stored, in several
   * pushes of its position: its counts wait apart, its service-graph edges with them, until `stored(position)` says it
   * is (or are never written).
   */
  readonly importing?: boolean;
}

export interface SpanMetricsStats {
  /** Per tenant and service over its operation limit, the spans counted under OVERFLOW_OPERATION. */
  readonly overflowedServices: ReadonlyMap<Tenant, ReadonlyMap<string, number>>;
  readonly flushes: number;
  readonly flushFailures: number;
  readonly skippedReplayedSpans: number;
}

/**
 * Span metrics and the service graph, counted from every accepted span before tail sampling (Tempo's generator
 * processors `span-metrics` and `service-graphs`): per minute and (service, operation, kind, status) a weight, a
 * duration sum and a latency sketch; per minute and edge the requests, failures and both sides' latencies; per
 * minute the error kinds of each operation. What was counted is appended to the metrics store with the log position
 * it covers (see flushOnce for which position), and the store writer releases the log no further than that position
 * (`durableThrough`), so after a kill -9 or a restart the records since then replay and are counted exactly once.
 */
export class SpanMetricsConsumer implements SpanConsumer {
  readonly name = 'span-metrics';
  /** Each tenant's series in Tempo's names (the scrape target /metrics/traces answers a tenant its own). */
  private readonly prometheusByTenant = new Map<Tenant, PrometheusSeries>();
  private rollup = new MinuteRollup();
  /** Importing: the counts of each batch pushed and not yet stored, by position (see `stored`). */
  private readonly staged = new Map<number, MinuteRollup>();
  /** Importing: the rollup of the batch being pushed, where the edges its spans complete are counted. */
  private pushing: MinuteRollup | undefined;
  /** A pairer per tenant: one tenant's spans never pair with another's, and its edges are known to be its own. */
  private readonly pairers = new Map<Tenant, ServiceGraphPairer>();
  /** Keyed by tenantKey(tenant, service): rollups, cells and limits never mix tenants. */
  private readonly operations = new Map<string, Set<string>>();
  private readonly cells = new Map<string, Map<string, Cell>>();
  private readonly overflowed = new Map<Tenant, Map<string, number>>();
  private readonly services = new WeakMap<Resource, ServiceOf>();
  private readonly now: () => number;
  private readonly scratch = newScratchGraphSpan();
  /** Highest position counted (pushed); what the next flush records. */
  private counted: bigint;
  /** Highest position whose counts are in the store. */
  private durable: bigint;
  /** Counted stretches of the log waiting to be written, oldest first (see flushOnce). */
  private sealed: Segment[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private flushes = 0;
  private flushFailures = 0;
  private skipped = 0;

  private constructor(
    private readonly store: MetricsStore,
    private readonly opts: SpanMetricsOptions,
    private readonly log: Logger,
    resumeAfter: bigint,
    /** The log position every append records: the store's own when importing, else undefined (each segment's end). */
    private readonly heldPosition?: bigint,
  ) {
    this.now = opts.now ?? Date.now;
    this.counted = resumeAfter;
    this.durable = resumeAfter;
    this.resumedAfter = resumeAfter;
  }

  /** Opens the consumer where the store's last append left off (or at 0 when importing). Call `start()` to flush on a timer. */
  static async open(store: MetricsStore, opts: SpanMetricsOptions, log: Logger): Promise<SpanMetricsConsumer> {
    const last = await store.lastPosition();
    return opts.importing ? new SpanMetricsConsumer(store, opts, log, 0n, last) : new SpanMetricsConsumer(store, opts, log, last);
  }

  /** The position through which counts are durable: the log must keep every record after it. */
  durableThrough(): bigint {
    return this.durable;
  }

  /** The last position the store recorded when this consumer opened: records at or below it are not counted again. */
  readonly resumedAfter: bigint;

  stats(): SpanMetricsStats {
    return { overflowedServices: this.overflowed, flushes: this.flushes, flushFailures: this.flushFailures, skippedReplayedSpans: this.skipped };
  }

  /** The service graph's counters, summed over the tenants. */
  graphCounters(): ServiceGraphCounters {
    let sum: ServiceGraphCounters = {
      pending: 0,
      paired: 0,
      virtual: 0,
      expiredUnpaired: { client: 0, server: 0, producer: 0, consumer: 0 },
      evictedEarly: 0,
      ignoredSpans: 0,
    };
    for (const p of this.pairers.values()) {
      const c = p.counters();
      const e = sum.expiredUnpaired;
      sum = {
        pending: sum.pending + c.pending,
        paired: sum.paired + c.paired,
        virtual: sum.virtual + c.virtual,
        expiredUnpaired: {
          client: e.client + c.expiredUnpaired.client,
          server: e.server + c.expiredUnpaired.server,
          producer: e.producer + c.expiredUnpaired.producer,
          consumer: e.consumer + c.expiredUnpaired.consumer,
        },
        evictedEarly: sum.evictedEarly + c.evictedEarly,
        ignoredSpans: sum.ignoredSpans + c.ignoredSpans,
      };
    }
    return sum;
  }

  /** A tenant's span metrics and service graph as Prometheus series. */
  prometheusOf(tenant: Tenant): PrometheusSeries {
    let p = this.prometheusByTenant.get(tenant);
    if (p === undefined) this.prometheusByTenant.set(tenant, (p = new PrometheusSeries()));
    return p;
  }

  private pairerOf(tenant: Tenant): ServiceGraphPairer {
    let p = this.pairers.get(tenant);
    if (p === undefined) this.pairers.set(tenant, (p = new ServiceGraphPairer({ waitMs: this.opts.serviceGraphWaitMs, maxItems: this.opts.serviceGraphMaxItems })));
    return p;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.opts.flushIntervalMs);
    this.timer.unref();
  }

  push(spans: readonly Span[], walPosition: bigint, tenant: Tenant = DEFAULT_TENANT): void {
    // Importing, a batch's spans may come in several pushes of its position.
    if (walPosition < this.counted || (walPosition === this.counted && !this.opts.importing)) {
      this.skipped += spans.length;
      return;
    }
    const position = Number(walPosition);
    let rollup = this.rollup;
    if (this.opts.importing) {
      rollup = this.staged.get(position) ?? new MinuteRollup();
      this.staged.set(position, (this.pushing = rollup));
    }
    const graph = this.scratch;
    const pairer = this.pairerOf(tenant);
    const prometheus = this.prometheusOf(tenant);
    const onEdge = this.edgeSinkOf(tenant);
    const now = this.now();
    // Spans of a batch mostly share a minute: compare with its bounds (no BigInt made) before working one out.
    let minute = 0;
    let minuteStart = 1n;
    let minuteEnd = 0n;
    // Indexed, not for…of, as in the store's encoding (writeAttributes): the iterator costs V8's inlining budget.
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      const of = this.serviceOf(span.resource, tenant);
      const { service, key } = of;
      const cell = of.cells.get(span.name) ?? this.newCell(of, span.name);
      const operation = cell.operation;
      const weight = adjustedCount(span.traceState);
      const d = span.endTimeUnixNano - span.startTimeUnixNano;
      const duration = d > 0n ? Number(d) : 0;
      const start = span.startTimeUnixNano;
      if (start < minuteStart || start >= minuteEnd) {
        minute = Math.floor(Number(start / NANOS_PER_MS) / MINUTE_MS) * MINUTE_MS;
        minuteStart = BigInt(minute) * NANOS_PER_MS;
        minuteEnd = minuteStart + MINUTE_NS;
      }
      if (cell.rollup !== rollup || cell.minute !== minute) {
        cell.rollup = rollup;
        cell.minute = minute;
        cell.slots = rollup.slotsFor(minute, key, operation);
        cell.errors = undefined;
      }
      rollup.addTo(cell.slots!, minute, key, operation, span.kind, span.status.code, weight, duration);
      prometheus.observeIn(cell.prometheus, service, operation, span.kind, span.status.code, weight, duration);
      if (span.status.code === StatusCode.ERROR) {
        const { type, message } = spanError(span);
        let errors = cell.errors;
        if (errors === undefined) {
          errors = cell.errors = rollup.serviceErrors(minute, key);
          cell.errorSlots = rollup.errorSlotsFor(errors, operation);
        }
        rollup.addErrorTo(errors, cell.errorSlots!, minute, key, operation, span.kind, type, message, weight, MAX_ERROR_KINDS);
      }
      if (toGraphSpan(graph, span, service, of.graphAttributes, duration, minute, position)) pairer.pushOne(graph, now, onEdge);
    }
    this.pushing = undefined;
    this.counted = walPosition;
  }

  /**
   * Importing: the batch pushed at `position` will never be stored (its write failed, or it was given up unsent): its
   * counts go, and so do its spans' half edges still waiting, so that no later span pairs with a span not kept. An
   * import going on from its checkpoint reads and counts the batch again.
   */
  dropped(position: bigint): void {
    this.staged.delete(Number(position));
    for (const pairer of this.pairers.values()) pairer.forget(Number(position));
  }

  /**
   * Importing: the batch pushed at `position` is stored, so its counts join what the next flush writes. The counts of a
   * batch never said to be stored (its write failed, or the import stopped first) are never written: an import that
   * goes on from its checkpoint counts that batch when it writes it again.
   */
  stored(position: bigint): void {
    const rollup = this.staged.get(Number(position));
    if (rollup === undefined) return;
    this.staged.delete(Number(position));
    this.rollup.merge(rollup, MAX_ERROR_KINDS);
  }

  /**
   * Writes what was counted, with the position it covers; one flush at a time. A failed append is kept and written
   * with the next, and the log is held back meanwhile.
   */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  /**
   * Seals what was counted since the last flush as a segment (its rows and the log position it ends at), then writes
   * the oldest segments that end before every half edge still waiting. An edge is counted in the segment of its
   * oldest span (rollupFor), so a written segment holds every edge its spans will ever make, and a restart from its
   * end replays exactly the spans whose edges are not written: the service graph, virtual-node edges included, is
   * exact across a kill -9 and a restart. The price: rows wait up to the service graph's wait before they are written.
   */
  private async flushOnce(): Promise<void> {
    const now = this.now();
    for (const [tenant, pairer] of this.pairers) {
      const add = this.edgeSinkOf(tenant);
      for (const e of pairer.expire(now)) add(e);
    }
    // Edges that expired since (with no new spans) still make a segment, ending where the last one did.
    if (this.counted > this.sealedThrough() || !this.rollup.empty) {
      this.sealed.push({ rollup: this.rollup, taken: [], end: this.counted });
      this.rollup = new MinuteRollup();
    }
    const n = this.writable();
    if (n === 0) return;
    const segments = this.sealed.slice(0, n);
    for (const seg of segments) {
      if (seg.rollup.empty) continue;
      seg.taken.push(seg.rollup.take());
      // A new rollup, not the emptied one: cells that cached accumulators of the old one see that they changed.
      seg.rollup = new MinuteRollup();
    }
    const batches = segments.flatMap((seg) => seg.taken);
    const batch: MetricsBatch = withTenants({
      spans: batches.flatMap((b) => b.spans),
      edges: batches.flatMap((b) => b.edges),
      errors: batches.flatMap((b) => b.errors),
    });
    const position = segments[n - 1]!.end;
    try {
      await this.store.append(batch, this.heldPosition ?? position);
      this.sealed.splice(0, n);
      this.durable = position;
      this.flushes++;
    } catch (err) {
      // The segments stay, and the log with them: the next flush tries again.
      this.flushFailures++;
      this.log.error({ err, rows: batch.spans.length }, 'writing span metrics failed; they are kept and written with the next flush, and the log is kept until then');
    }
  }

  private sealedThrough(): bigint {
    return this.sealed.length > 0 ? this.sealed[this.sealed.length - 1]!.end : this.durable;
  }

  /**
   * How many of the oldest sealed segments may be written now: those that end before every waiting half edge. When
   * importing, all of them: an edge is counted with the batch of its newest span (rollupFor), stored by then.
   */
  private writable(): number {
    if (this.opts.importing) return this.sealed.length;
    let limit = Infinity;
    for (const p of this.pairers.values()) limit = Math.min(limit, p.oldestPendingPosition() ?? Infinity);
    let n = 0;
    while (n < this.sealed.length && Number(this.sealed[n]!.end) < limit) n++;
    return n;
  }

  /**
   * The rollup an edge is counted in: that of the segment holding its oldest span, so they are written together. When
   * importing, that of its newest span's batch: the batch being pushed when pairing made it, else (an expired half
   * edge, its only span) its batch's while it waits to be stored.
   */
  private rollupFor(position: number): MinuteRollup {
    if (this.opts.importing) return this.pushing ?? this.staged.get(position) ?? this.rollup;
    for (const seg of this.sealed) if (position <= Number(seg.end)) return seg.rollup;
    return this.rollup;
  }

  /**
   * Counts a tenant's edges as pairing makes them (EdgeCells): its sink, made once, so that pairing makes no object
   * per edge.
   */
  private edgeSinkOf(tenant: Tenant): EdgeSink {
    let sink = this.edgeSinks.get(tenant);
    if (sink === undefined) {
      const cells = new EdgeCells(tenant, this.prometheusOf(tenant));
      sink = (e) => cells.add(e, this.rollupFor(e.position));
      this.edgeSinks.set(tenant, sink);
    }
    return sink;
  }
  private readonly edgeSinks = new Map<Tenant, EdgeSink>();

  /**
   * The service of a resource and its key among tenants. A resource object comes from one request, so from one
   * tenant: the pair is cached on it.
   */
  private serviceOf(resource: Resource, tenant: Tenant): ServiceOf {
    // A batch holds its spans grouped by resource: the last one answers most lookups.
    if (resource === this.lastResource && this.lastService.tenant === tenant) return this.lastService;
    let s = this.services.get(resource);
    if (s === undefined || s.tenant !== tenant) {
      const service = serviceName(resource);
      const key = tenantKey(tenant, service);
      let cells = this.cells.get(key);
      if (cells === undefined) this.cells.set(key, (cells = new Map()));
      s = { tenant, service, key, cells, graphAttributes: pickGraphAttributes(resource.attributes) };
      this.services.set(resource, s);
    }
    this.lastResource = resource;
    this.lastService = s;
    return s;
  }
  private lastResource: Resource | undefined;
  private lastService: ServiceOf = { tenant: '', service: '', key: '', cells: new Map(), graphAttributes: undefined };

  /**
   * Where a (service, span name) not met before counts: its operation (the name, or the overflow operation past the
   * limit) and its accumulators, kept in the service's cells so that most spans cost one map lookup rather than seven.
   * Names past the limit are not kept (there may be any number of them); they share the overflow operation's cell.
   */
  private newCell({ tenant, service, key: serviceKey, cells: byName }: ServiceOf, name: string): Cell {
    const operation = this.operationOf(tenant, service, serviceKey, name);
    const key = operation === name ? name : OVERFLOW_CELL;
    let made = byName.get(key);
    if (made === undefined) {
      made = {
        operation,
        prometheus: this.prometheusOf(tenant).slotsFor(service, operation),
        rollup: undefined,
        minute: 0,
        slots: undefined,
        errors: undefined,
        errorSlots: undefined,
      };
      byName.set(key, made);
    }
    return made;
  }

  private operationOf(tenant: Tenant, service: string, serviceKey: string, name: string): string {
    let ops = this.operations.get(serviceKey);
    if (ops === undefined) {
      ops = new Set();
      this.operations.set(serviceKey, ops);
    }
    if (ops.has(name)) return name;
    const limit = this.opts.maxOperationsOf?.(tenant) ?? this.opts.maxOperationsPerService;
    if (ops.size < limit) {
      ops.add(name);
      return name;
    }
    let byService = this.overflowed.get(tenant);
    if (byService === undefined) this.overflowed.set(tenant, (byService = new Map()));
    const first = !byService.has(service);
    byService.set(service, (byService.get(service) ?? 0) + 1);
    if (first) {
      this.log.warn(
        { tenant, service, limit, overflow: OVERFLOW_OPERATION },
        `service ${service} (tenant ${tenant}) has more than ${limit} operations; the others are counted as "${OVERFLOW_OPERATION}" (raise metrics.maxOperationsPerService or the tenant's own limit, or give spans lower-cardinality names)`,
      );
    }
    return OVERFLOW_OPERATION;
  }
}

/** A resource's service, its key among tenants' (tenantKey), and what the service graph reads of it. */
interface ServiceOf {
  readonly tenant: Tenant;
  readonly service: string;
  readonly key: string;
  /** Its cells by span name (newCell): the consumer's entry for the key, kept here to save a lookup per span. */
  readonly cells: Map<string, Cell>;
  /** What service-graph pairing reads of the resource (pickGraphAttributes). */
  readonly graphAttributes: GraphAttributeValues | undefined;
}
