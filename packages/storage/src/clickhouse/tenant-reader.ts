import type { ClickHouseSettings } from '@clickhouse/client';
import type { Span, SpanId, SpanKind, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { compareSpanOrder, spanOutline } from '@clew/model';
import type {
  Operation,
  OperationQuery,
  SpanReader,
  TimeWindow,
  TraceDigest,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
  TraceSummary,
} from '../store.js';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import { HEATMAP_BUCKETS_PER_DOUBLING } from '../span-comparison.js';
import { countAttributes } from './attribute-counts.js';
import { atOrAfter, extentsSql, matchedTraces, whereSpans } from './search-sql.js';
import type { ReadRow } from './span-rows.js';
import type { ResourceCache } from './resources.js';
import { READ_COLUMNS, toSpan, TRACE_ID } from './span-rows.js';
import { checkTenant, DURATION, END, idLit, PID, SID, str, TID, u64 } from './sql.js';
import { digestOfSpans } from '../trace-digest.js';

/**
 * Runs a SELECT and returns its rows (JSONEachRow: 64-bit numbers arrive as decimal strings), with `settings` for
 * this statement alone.
 */
export type Select = <T>(sql: string, settings?: ClickHouseSettings) => Promise<T[]>;

/**
 * A trace by id reads a granule or two per (service, operation) pair of the trace, ~60k rows for the largest
 * traces (~100k with 1024-row granules): below ClickHouse's default threshold (163,840 rows), so one thread read and
 * decompressed them all. From a granule on, the read uses every thread `max_threads` allows: at 1M spans on 2
 * cores, cold reads of traces of 40+ spans took 32.0 ms at the median against 44.5 (zstd parts; 28.0 against 31.6
 * with LZ4), of 5–8 spans 8.0 against 10.6.
 */
const BY_ID_SETTINGS: ClickHouseSettings = { merge_tree_min_rows_for_concurrent_read: '512' };

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The reads of one tenant's spans: every statement filters on `tenant`, the first column of every table's key.
 * Cheap to make: no state but the tenant.
 */
export class ClickHouseTenantReader implements SpanReader {
  constructor(
    readonly tenant: Tenant,
    private readonly db: string,
    private readonly select: Select,
    private readonly resources: ResourceCache,
  ) {
    checkTenant(tenant);
  }

  /** The spans of rows, with their resources. */
  private async spansOf(rows: readonly ReadRow[]): Promise<Span[]> {
    const resources = await this.resources.get(this.tenant, rows.map((r) => r.rid));
    const cache = new Map<string, unknown>();
    return rows.map((r) => toSpan(r, resources, cache));
  }

  /**
   * The tenant's spans of the traces, with `columns` (and `tid`). The trace index gives, per trace and day, the range
   * of its span starts and its (service, operation) pairs: with them the primary key narrows the spans read to a
   * granule or two per pair and part, where ClickHouse reads trace_id (PREWHERE), then the wide columns of the
   * matching rows. A span stored more than once (the same span id, kind and start: see withoutRepeats) is read once.
   */
  private async traceRows<T>(traceIds: readonly TraceId[], columns: string): Promise<T[]> {
    const valid = [...new Set(traceIds)].filter((id) => TRACE_ID.test(id));
    if (valid.length === 0) return [];
    const ids = valid.map(idLit).join(', ');
    const own = `tenant = ${str(this.tenant)}`;
    const found = await this.select<{ day: number; first: string; last: string; ops: Array<[string, string]> }>(
      `SELECT day, min(first) AS first, max(last) AS last, groupUniqArrayArray(arrayMap((s, n) -> (s, n), services, names)) AS ops
       FROM ${this.db}.trace_index WHERE ${own} AND trace_id IN (${ids}) GROUP BY trace_id, day`,
    );
    // An index row without pairs is one whose spans never landed (a crash between the INSERTs): nothing to read.
    const where = found
      .filter((r) => r.ops.length > 0)
      .map(
        (r) =>
          `(day = ${Number(r.day)} AND start >= ${u64(BigInt(r.first))} AND start <= ${u64(BigInt(r.last))}
            AND (service, name) IN (${r.ops.map(([service, name]) => `(${str(service)}, ${str(name)})`).join(', ')}))`,
      )
      .join(' OR ');
    if (where === '') return [];
    return this.select<T>(
      `SELECT ${TID} AS tid, ${columns} FROM ${this.db}.spans
       PREWHERE trace_id IN (${ids})
       WHERE ${own} AND (${where})
       ORDER BY trace_id, start, span_id
       LIMIT 1 BY trace_id, span_id, kind, start`,
      BY_ID_SETTINGS,
    );
  }

  /** The whole trace, whatever the window: a window only narrows where to look, and the index already does. */
  async getTrace(traceId: TraceId, _window?: Partial<TimeWindow>): Promise<Span[]> {
    return this.spansOf(await this.traceRows<ReadRow>([traceId], READ_COLUMNS));
  }

  async getTraceOutline(traceId: TraceId, _window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    return (await this.getTrace(traceId)).map(spanOutline).sort(compareSpanOrder);
  }

  async getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    const out = new Map<TraceId, Span[]>(traceIds.map((id) => [id, []]));
    if (out.size === 0) return out;
    for (const s of await this.spansOf(await this.traceRows<ReadRow>([...out.keys()], READ_COLUMNS))) out.get(s.traceId)?.push(s);
    return out;
  }

  async findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    const where = whereSpans(this.db, this.tenant, q);
    const t = matchedTraces(this.db, where);
    const anchor = atOrAfter(q.anchor);
    const limit = Math.max(1, Math.trunc(q.limit));
    const offset = Math.max(0, Math.trunc(q.offset ?? 0));
    const sort = q.sort ?? 'start';
    const pageSql =
      sort === 'start'
        ? `SELECT ${TID} AS tid, s FROM (${t}) WHERE ${anchor} ORDER BY s DESC, trace_id ASC LIMIT ${offset}, ${limit}`
        : `SELECT ${TID} AS tid, s FROM (SELECT trace_id, s FROM (${t}) WHERE ${anchor})
           ANY LEFT JOIN (${extentsSql(this.db, this.tenant, `SELECT trace_id FROM (${t})`)}) USING (trace_id)
           ORDER BY ${sort === 'duration' ? 'extent' : 'n'} DESC, s DESC, trace_id ASC LIMIT ${offset}, ${limit}`;
    // The newest match is the first of the first page by start: then it needs no query of its own.
    const newestIsFirst = sort === 'start' && offset === 0;
    const [counts, page, newestAlone] = await Promise.all([
      this.select<{ everything: string; total: string }>(`SELECT count() AS everything, countIf(${anchor}) AS total FROM (${t})`),
      this.select<{ tid: string; s: string }>(pageSql),
      newestIsFirst ? [] : this.select<{ tid: string; s: string }>(`SELECT ${TID} AS tid, s FROM (${t}) WHERE ${anchor} ORDER BY s DESC, trace_id ASC LIMIT 1`),
    ]);
    const newest = newestIsFirst ? page : newestAlone;
    const everything = Number(counts[0]?.everything ?? 0);
    const total = Number(counts[0]?.total ?? 0);
    const traces = await this.matchedSpans(where, page);
    return {
      traces,
      total,
      ...(newest[0] !== undefined && { newest: { startTimeUnixNano: BigInt(newest[0].s) as UnixNanos, traceId: newest[0].tid as TraceId } }),
      ...(q.anchor !== undefined && { newSinceAnchor: everything - total }),
    };
  }

  /** Each page trace's earliest matching span (ties by span id): looked up for the page only. */
  private async matchedSpans(where: string, page: ReadonlyArray<{ tid: string; s: string }>): Promise<TraceSummary[]> {
    if (page.length === 0) return [];
    // Each trace's matched span starts at its `s`: the range of the page's lets the primary key skip the rest.
    const starts = page.map((p) => BigInt(p.s)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rows = await this.select<{ tid: string; sid: string; service: string; name: string; d: string; start: string }>(
      `SELECT ${TID} AS tid, ${SID} AS sid, service, name, ${DURATION} AS d, start FROM ${this.db}.spans
       PREWHERE trace_id IN (${page.map((p) => idLit(p.tid)).join(', ')})
       WHERE ${where} AND start >= ${u64(starts[0]!)} AND start <= ${u64(starts[starts.length - 1]!)}
       ORDER BY start, span_id`,
    );
    const first = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!first.has(r.tid)) first.set(r.tid, r);
    return page.map((p) => {
      const m = first.get(p.tid);
      return {
        traceId: p.tid as TraceId,
        startTimeUnixNano: BigInt(p.s) as UnixNanos,
        matched: { spanId: (m?.sid ?? '') as SpanId, service: m?.service ?? '', name: m?.name ?? '', durationNanos: BigInt(m?.d ?? 0) },
      };
    });
  }

  /**
   * Digests from each trace's spans (a few columns, no attributes), merged here: the root is the earliest span
   * without a parent, else the earliest orphan, else the earliest span.
   */
  async summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    const out = new Map<TraceId, TraceDigest>();
    if (traceIds.length === 0) return out;
    type Row = { tid: string; sid: string; pid: string; start: string; end: string; service: string; name: string; status: number };
    const rows = await this.traceRows<Row>(traceIds, `${SID} AS sid, ${PID} AS pid, start, ${END} AS end, service, name, status`);
    const byTrace = new Map<string, Row[]>();
    for (const r of rows) {
      const list = byTrace.get(r.tid);
      if (list) list.push(r);
      else byTrace.set(r.tid, [r]);
    }
    for (const [id, spans] of byTrace) {
      const digestSpans = spans.map((r) => ({ spanId: r.sid, parentSpanId: r.pid, start: BigInt(r.start), end: BigInt(r.end), service: r.service, name: r.name, error: Number(r.status) === 2 }));
      out.set(id as TraceId, digestOfSpans(id as TraceId, digestSpans));
    }
    return out;
  }

  async tracePoints(q: TraceQuery, max: number): Promise<TracePoints> {
    const where = whereSpans(this.db, this.tenant, q);
    const ids = `SELECT DISTINCT trace_id FROM ${this.db}.spans WHERE ${where}`;
    const pick = `SELECT trace_id FROM (${ids}) ORDER BY sipHash64(trace_id), trace_id LIMIT ${Math.max(1, Math.trunc(max))}`;
    const [totals, rows] = await Promise.all([
      this.select<{ total: string }>(`SELECT count() AS total FROM (${ids})`),
      this.select<{ tid: string; n: string; s: string; e: string; errors: string }>(
        `SELECT ${TID} AS tid, n, s, e, errors FROM (${extentsSql(this.db, this.tenant, pick)}) ORDER BY s DESC, trace_id ASC`,
      ),
    ]);
    const total = Number(totals[0]?.total ?? 0);
    const points = rows.map((r) => ({
      traceId: r.tid as TraceId,
      startTimeUnixNano: BigInt(r.s) as UnixNanos,
      endTimeUnixNano: BigInt(r.e) as UnixNanos,
      spanCount: Number(r.n),
      errorCount: Number(r.errors),
    }));
    return { points, total, sampled: total > points.length };
  }

  async latencyHeatmap(q: HeatmapQuery): Promise<LatencyHeatmap> {
    const step = q.step < 1n ? 1n : q.step;
    const rows = await this.select<{ t: string; d: number; n: string; errors: string }>(
      `SELECT intDiv(start - ${u64(q.filter.start)}, ${u64(step)}) AS t,
         toInt32(floor(log2(greatest(${DURATION}, toUInt64(1))) * ${HEATMAP_BUCKETS_PER_DOUBLING})) AS d,
         count() AS n, countIf(status = 2) AS errors
       FROM ${this.db}.spans WHERE ${whereSpans(this.db, this.tenant, q.filter)} GROUP BY t, d ORDER BY t, d`,
    );
    let total = 0;
    let errors = 0;
    const cells = rows.map((r) => {
      const cell = { t: Number(r.t), d: Number(r.d), count: Number(r.n), errors: Number(r.errors) };
      total += cell.count;
      errors += cell.errors;
      return cell;
    });
    return { cells, total, errors };
  }

  attributeCounts(q: AttributeCountsQuery): Promise<AttributeCounts> {
    return countAttributes(this.select, `${this.db}.spans`, whereSpans(this.db, this.tenant, q.filter), q, (ids) => this.resources.get(this.tenant, ids));
  }

  async services(): Promise<string[]> {
    const rows = await this.select<{ service: string }>(`SELECT DISTINCT service FROM ${this.db}.spans WHERE tenant = ${str(this.tenant)}`);
    return rows.map((r) => r.service).sort(byCodeUnit);
  }

  async operations(q: OperationQuery): Promise<Operation[]> {
    const where = [`tenant = ${str(this.tenant)}`, `service = ${str(q.service)}`];
    if (q.spanKind !== undefined) where.push(`kind = ${Number(q.spanKind) & 0xff}`);
    const rows = await this.select<{ name: string; kind: number }>(`SELECT DISTINCT name, kind FROM ${this.db}.spans WHERE ${where.join(' AND ')}`);
    return rows
      .map((r) => ({ name: r.name, spanKind: Number(r.kind) as SpanKind }))
      .sort((a, b) => byCodeUnit(a.name, b.name) || a.spanKind - b.spanKind);
  }
}

