import type { Span, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, serviceName, StatusCode } from '@clew/model';
import { DefaultTenantReads } from '../default-tenant-reads.js';
import { countSpans, scanSpans } from '../scan-spans.js';
import { digestOfSpans } from '../trace-digest.js';
import type { AttributeCounts, AttributeCountsQuery, HeatmapCell, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import type {
  ArchivedDay,
  Operation,
  OperationQuery,
  SpanReader,
  SpanScanWindow,
  Store,
  StoreStats,
  TenantRun,
  TimeWindow,
  TraceDigest,
  TracePoint,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
  TraceSummary,
} from '../store.js';

/** How often the live store's earliest span of each tenant is read again (retention moves it, late spans too). */
const REFRESH_MS = 60_000;

/**
 * Each tenant's earliest span start in a live store, read from it now and then: where the range archives attached
 * beside it stop answering (an embedded store's archives answer for the spans before its live partitions' first, and
 * `LiveStarts.of` is that bound for a live store elsewhere).
 */
export class LiveStarts {
  private starts: ReadonlyMap<Tenant, bigint> = new Map();

  constructor(private readonly read: () => Promise<ReadonlyMap<Tenant, bigint>>) {}

  async refresh(): Promise<void> {
    this.starts = await this.read();
  }

  /** The tenant's earliest live span start, undefined when the live store holds none of its spans. */
  of(tenant: Tenant): bigint | undefined {
    return this.starts.get(tenant);
  }
}

/**
 * A live store that is not the embedded one (ClickHouse), with range archives attached beside it: `archives` is an
 * embedded store holding the attached archives' days only, opened with `liveFrom: (t) => starts.of(t)`, so that it
 * answers for each tenant's spans before the live store's earliest, as the embedded store answers for its own
 * archives. Reads are the two stores' answers put together; writes, retention and stats are the live store's.
 */
export class RangeArchiveUnionStore extends DefaultTenantReads implements Store {
  private readonly own: SpanReader;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly live: Store,
    private readonly archives: Store,
    private readonly starts: LiveStarts,
  ) {
    super();
    this.own = new UnionReader(live, archives, () => starts.of(DEFAULT_TENANT));
    this.timer = setInterval(() => void starts.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  protected defaultReads(): SpanReader {
    return this.own;
  }

  forTenant(tenant: Tenant): SpanReader {
    return tenant === DEFAULT_TENANT ? this.own : new UnionReader(this.live.forTenant(tenant), this.archives.forTenant(tenant), () => this.starts.of(tenant));
  }

  append(spans: readonly Span[], walPosition?: bigint, tenants?: readonly TenantRun[]): Promise<void> {
    return this.live.append(spans, walPosition, tenants);
  }

  lastWalPosition(): Promise<bigint> {
    return this.live.lastWalPosition();
  }

  async dropBefore(cutoff: UnixNanos, tenant?: Tenant): Promise<number> {
    const dropped = await this.live.dropBefore(cutoff, tenant);
    // What the archives answer for starts where the live spans now do.
    if (dropped > 0) await this.starts.refresh();
    return dropped;
  }

  deleteTraces(traceIds: readonly TraceId[], tenant?: Tenant): Promise<number> {
    return this.live.deleteTraces(traceIds, tenant);
  }

  stats(): Promise<StoreStats> {
    return this.live.stats();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([this.live.close(), this.archives.close()]);
  }
}

const byStart = (a: { startTimeUnixNano: bigint; spanId: string }, b: { startTimeUnixNano: bigint; spanId: string }): number =>
  a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;

/**
 * A trace's archived spans `a` and live spans `b` in start order, an archived span the live store also holds (the
 * same span id: a range attached while the live store still holds it) given once, as the live store has it.
 */
function mergeSpans<T extends { startTimeUnixNano: bigint; spanId: string }>(a: T[], b: T[]): T[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const live = new Set(b.map((s) => s.spanId));
  return [...a.filter((s) => !live.has(s.spanId)), ...b].sort(byStart);
}

/** Newest first by start, then by trace id: the order of a search by start. */
const newestFirst = (a: TraceSummary, b: TraceSummary): number =>
  a.startTimeUnixNano > b.startTimeUnixNano ? -1 : a.startTimeUnixNano < b.startTimeUnixNano ? 1 : a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0;

/**
 * One tenant's reads over its live spans and the archived spans before them (`liveFrom`). The two hold different
 * spans (the archives' end where the live ones start), so most answers are the two put together; a trace with spans
 * on both sides of that line is one trace in every answer but a search's total, which counts it on each side. A read
 * by trace id that finds nothing of a trace before the line reads the archives past it too (TenantReader's second
 * step), so an archived span ClickHouse also holds is given once (mergeSpans).
 */
// Required: an optional reader method added later must be passed on here too, or the APIs' reads would lose it.
class UnionReader implements Required<SpanReader> {
  constructor(
    private readonly live: SpanReader,
    private readonly archives: SpanReader,
    private readonly liveFrom: () => bigint | undefined,
  ) {}

  async getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    const [a, l] = await Promise.all([this.archives.getTrace(traceId, window), this.live.getTrace(traceId, window)]);
    return mergeSpans(a, l);
  }

  async getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    const [a, l] = await Promise.all([this.archives.getTraceOutline(traceId, window), this.live.getTraceOutline(traceId, window)]);
    return mergeSpans(a, l);
  }

  async getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    const [a, l] = await Promise.all([this.archives.getTraces(traceIds), this.live.getTraces(traceIds)]);
    for (const [id, spans] of a) l.set(id, mergeSpans(spans, l.get(id) ?? []));
    return l;
  }

  async summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    const [a, l] = await Promise.all([this.archives.summarizeTraces(traceIds), this.live.summarizeTraces(traceIds)]);
    const both: TraceId[] = [];
    for (const [id, d] of a) {
      if (l.has(id)) both.push(id);
      else l.set(id, d);
    }
    // A trace on both sides: its digest from all its spans (a root, orphans and counts span the two).
    if (both.length > 0) {
      for (const [id, spans] of await this.getTraces(both)) {
        const digestSpans = spans.map((s) => ({
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          start: s.startTimeUnixNano,
          end: s.endTimeUnixNano,
          service: serviceName(s.resource),
          name: s.name,
          error: s.status.code === StatusCode.ERROR,
        }));
        l.set(id, digestOfSpans(id, digestSpans));
      }
    }
    return l;
  }

  /**
   * A page of the search over both sides. By start (the default), every live match is newer than every archived one,
   * so the page is the live matches and then the archived ones; by duration or span count, the two sides' first
   * `offset + limit` are merged on the traces' digests.
   */
  async findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    const offset = q.offset ?? 0;
    if ((q.sort ?? 'start') === 'start') {
      const live = await this.live.findTraces(q);
      const archivedOffset = Math.max(0, offset - live.total);
      const room = q.limit - live.traces.length;
      // Asked for at least one, so that the archive's total and newest are known even when the page is full.
      const archived = await this.archives.findTraces({ ...q, offset: archivedOffset, limit: Math.max(1, room) });
      const seen = new Set(live.traces.map((t) => t.traceId));
      const traces = [...live.traces, ...(room > 0 ? archived.traces.filter((t) => !seen.has(t.traceId)) : [])].slice(0, q.limit);
      return joinTotals(traces, live, archived);
    }
    const wide = { ...q, offset: 0, limit: offset + q.limit };
    const [live, archived] = await Promise.all([this.live.findTraces(wide), this.archives.findTraces(wide)]);
    const byId = new Map<TraceId, TraceSummary>();
    for (const t of [...live.traces, ...archived.traces]) {
      const was = byId.get(t.traceId);
      if (!was || newestFirst(t, was) > 0) byId.set(t.traceId, t);
    }
    const digests = await this.summarizeTraces([...byId.keys()]);
    const key = (t: TraceSummary): bigint => {
      const d = digests.get(t.traceId);
      if (!d) return 0n;
      return q.sort === 'spans' ? BigInt(d.spanCount) : d.endTimeUnixNano > d.startTimeUnixNano ? d.endTimeUnixNano - d.startTimeUnixNano : 0n;
    };
    const sorted = [...byId.values()].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka > kb ? -1 : ka < kb ? 1 : newestFirst(a, b);
    });
    return joinTotals(sorted.slice(offset, offset + q.limit), live, archived);
  }

  async tracePoints(q: TraceQuery, max: number): Promise<TracePoints> {
    const [live, archived] = await Promise.all([this.live.tracePoints(q, max), this.archives.tracePoints(q, max)]);
    const byId = new Map<TraceId, TracePoint>();
    for (const p of [...archived.points, ...live.points]) {
      const was = byId.get(p.traceId);
      byId.set(p.traceId, was ? widen(was, p) : p);
    }
    let points = [...byId.values()];
    const total = live.total + archived.total;
    // Over `max`, each side's sample is already a uniform one; keep `max` of their union, spread by trace id.
    if (points.length > max) points = points.sort((a, b) => (a.traceId < b.traceId ? -1 : 1)).filter((_, i) => Math.floor(((i + 1) * max) / points.length) > Math.floor((i * max) / points.length));
    points.sort((a, b) => (a.startTimeUnixNano > b.startTimeUnixNano ? -1 : a.startTimeUnixNano < b.startTimeUnixNano ? 1 : a.traceId < b.traceId ? -1 : 1));
    return { points, total, sampled: live.sampled || archived.sampled || total > points.length };
  }

  async latencyHeatmap(q: HeatmapQuery): Promise<LatencyHeatmap> {
    const [live, archived] = await Promise.all([this.live.latencyHeatmap(q), this.archives.latencyHeatmap(q)]);
    const cells = new Map<string, HeatmapCell>();
    for (const c of [...archived.cells, ...live.cells]) {
      const k = `${c.t},${c.d}`;
      const was = cells.get(k);
      cells.set(k, was ? { ...was, count: was.count + c.count, errors: was.errors + c.errors } : c);
    }
    return {
      cells: [...cells.values()].sort((a, b) => a.t - b.t || a.d - b.d),
      total: live.total + archived.total,
      errors: live.errors + archived.errors,
    };
  }

  /**
   * A comparison of one side's spans: the archives' when the whole window is before the live spans, else the live
   * store's (top values and distinct counts of two samples do not add up).
   */
  attributeCounts(q: AttributeCountsQuery): Promise<AttributeCounts> {
    const from = this.liveFrom();
    return from !== undefined && q.filter.end < from ? this.archives.attributeCounts(q) : this.live.attributeCounts(q);
  }

  /** The live store's scan: an export of a window reads live spans (as the embedded store's scan does). */
  scanSpans(window: SpanScanWindow): AsyncIterable<Span[]> {
    return scanSpans(this.live, window);
  }

  countSpans(window: SpanScanWindow): Promise<number> {
    return countSpans(this.live, window);
  }

  rangeArchived(traceIds: readonly TraceId[]): Promise<Set<TraceId>> {
    return this.archives.rangeArchived?.(traceIds) ?? Promise.resolve(new Set());
  }

  rangeArchiveDays(): Promise<ArchivedDay[]> {
    return this.archives.rangeArchiveDays?.() ?? Promise.resolve([]);
  }

  async services(): Promise<string[]> {
    const [live, archived] = await Promise.all([this.live.services(), this.archives.services()]);
    return [...new Set([...live, ...archived])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async operations(q: OperationQuery): Promise<Operation[]> {
    const [live, archived] = await Promise.all([this.live.operations(q), this.archives.operations(q)]);
    const byKey = new Map<string, Operation>();
    for (const o of [...live, ...archived]) byKey.set(`${o.spanKind}\u0000${o.name}`, o);
    return [...byKey.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.spanKind - b.spanKind));
  }
}

function joinTotals(traces: TraceSummary[], live: TraceSearchResult, archived: TraceSearchResult): TraceSearchResult {
  const newest = live.newest ?? archived.newest;
  const since = live.newSinceAnchor === undefined && archived.newSinceAnchor === undefined ? undefined : (live.newSinceAnchor ?? 0) + (archived.newSinceAnchor ?? 0);
  return { traces, total: live.total + archived.total, ...(newest && { newest }), ...(since !== undefined && { newSinceAnchor: since }) };
}

function widen(a: TracePoint, b: TracePoint): TracePoint {
  return {
    traceId: a.traceId,
    startTimeUnixNano: a.startTimeUnixNano < b.startTimeUnixNano ? a.startTimeUnixNano : b.startTimeUnixNano,
    endTimeUnixNano: a.endTimeUnixNano > b.endTimeUnixNano ? a.endTimeUnixNano : b.endTimeUnixNano,
    spanCount: a.spanCount + b.spanCount,
    errorCount: a.errorCount + b.errorCount,
  };
}
