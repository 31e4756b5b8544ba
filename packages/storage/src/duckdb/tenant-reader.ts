import type { DuckDBStructValue, DuckDBValue } from '@duckdb/node-api';
import type { SpanId, SpanKind, SpanOutline, Span, Tenant, TraceId, UnixNanos } from '@clew/model';
import type {
  ArchivedDay,
  Operation,
  OperationQuery,
  SpanReader,
  SpanScanWindow,
  TimeWindow,
  TraceDigest,
  TracePoints,
  TraceQuery,
  TraceSearchResult,
} from '../store.js';
import type { AttributeCounts, AttributeCountsQuery, HeatmapQuery, LatencyHeatmap } from '../span-comparison.js';
import { operationsSql } from './catalog-sql.js';
import { digestSql, DIGEST_COLUMNS } from './digest-sql.js';
import { mergeDigests } from './merge-digests.js';
import type { Partition } from './partition.js';
import { matchingSpansSql, pageSql, Params, pointsSql } from './search-sql.js';
import { readAttributeCounts, readHeatmap } from './span-comparison-read.js';
import { countPartitionSpans, scanPartitionSpans } from './span-scan.js';
import { OUTLINE_COLUMNS, READ_COLUMNS, readOutlines, readSpan } from './span-reader.js';
import { checkTenant, hex16, hex32, traceIdHexLiteral, traceIdLiteral, uint } from './sql.js';
import { withoutRepeats } from '../repeated-spans.js';
import { traceWords } from './trace-bloom.js';

/** What a reader needs of the store: its partitions as they are now, and queries on a reader connection. */
export interface PartitionSource {
  partitions(): Iterable<Partition>;
  read(sql: string, values?: DuckDBValue[]): Promise<DuckDBValue[][]>;
  readColumns(sql: string): Promise<DuckDBValue[][]>;
}

/**
 * The reads of one tenant's spans: every statement filters on the partition's `tenant_id` of the tenant, and
 * partitions where the tenant has no span (the in-memory `tenantResources`) are skipped before any SQL is written.
 * Cheap to make: no state but the tenant.
 */
export class TenantReader implements SpanReader {
  constructor(
    readonly tenant: Tenant,
    private readonly source: PartitionSource,
  ) {
    checkTenant(tenant);
  }

  async getTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    const found = await this.readTrace(traceId, window);
    return window && reachesBeyond(found, window) ? this.readTrace(traceId) : found;
  }

  async getTraceOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    const found = await this.readOutline(traceId, window);
    return window && reachesBeyond(found, window) ? this.readOutline(traceId) : found;
  }

  /** The trace's spans in the partitions a window (when given) overlaps. */
  private async readTrace(traceId: TraceId, window?: Partial<TimeWindow>): Promise<Span[]> {
    for (const whole of [false, true]) {
      const found = this.traceSql([traceId], window, READ_COLUMNS, whole);
      if (!found) continue;
      const rows = await this.source.read(`${found.sql} ORDER BY start_ns, span_id, part`);
      if (rows.length > 0) return withoutRepeats(rows.map((r) => readSpan(r.slice(1), found.parts[Number(r[0])]!)));
    }
    return [];
  }

  private async readOutline(traceId: TraceId, window?: Partial<TimeWindow>): Promise<SpanOutline[]> {
    for (const whole of [false, true]) {
      const found = this.traceSql([traceId], window, OUTLINE_COLUMNS, whole);
      if (!found) continue;
      // Names repeat: each travels to JavaScript once (on its first row), the rest of its rows carry its rank only.
      const columns = await this.source.readColumns(
        `SELECT * EXCLUDE (name), dense_rank() OVER (ORDER BY name) AS name_rank,
           CASE WHEN row_number() OVER (PARTITION BY name) = 1 THEN name END AS first_name
         FROM (${found.sql}) ORDER BY start_ns, span_id, part`,
      );
      const outlines = withoutRepeats(readOutlines(traceId, columns, found.parts));
      if (outlines.length > 0) return outlines;
    }
    return [];
  }

  async getTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, Span[]>> {
    const out = new Map<TraceId, Span[]>(traceIds.map((id) => [id, []]));
    for (const whole of [false, true]) {
      const found = this.traceSql([...out.keys()].filter((id) => out.get(id)!.length === 0), undefined, READ_COLUMNS, whole);
      if (!found) continue;
      const rows = await this.source.read(`${found.sql} ORDER BY trace_id, start_ns, span_id, part`);
      for (const r of rows) {
        const span = readSpan(r.slice(1), found.parts[Number(r[0])]!);
        out.get(span.traceId)!.push(span);
      }
    }
    for (const [id, spans] of out) out.set(id, withoutRepeats(spans));
    return out;
  }

  /**
   * One SELECT of `columns` (after the partition's index, `part`) per block whose bloom may hold one of the traces,
   * with the ids it may hold, unioned. An equality on the clustered block number is what lets zone maps skip row
   * groups. The blooms are shared by the tenants: another tenant's trace of the same id only costs a block read.
   *
   * Reads by id take two steps. First, as searches read: the live partitions, and each range archive's day only
   * before the live store's earliest span of the tenant, so that an archive attached beside the live days it was
   * made from gives each span once. Then (`archivesWhole`), for the traces that found nothing, the archives' days
   * whole: a trace the live store holds none of is found in an archive whatever that line (a backfilled older span
   * moves it). A trace found in the first step costs no more than before; one found in neither costs a bloom test of
   * each archived block.
   */
  private traceSql(
    traceIds: readonly TraceId[],
    window: Partial<TimeWindow> | undefined,
    columns: string,
    archivesWhole: boolean,
    archivedOnly = false,
  ): { sql: string; parts: Partition[] } | null {
    if (traceIds.length === 0) return null;
    const words = traceIds.map((id) => [traceIdLiteral(id), traceIdHexLiteral(id), ...traceWords(id)] as const);
    const parts: Partition[] = [];
    const selects: string[] = [];
    for (const p of this.source.partitions()) {
      if ((archivesWhole || archivedOnly) && !p.archived) continue;
      // Whether a trace is in an archive counts the whole archive, the days the live store still holds included.
      const own = p.tenantCondition(this.tenant, archivesWhole || archivedOnly);
      if (own === null || (window && !p.overlaps(window.start, window.end))) continue;
      // A range archive's day (parquet/) is matched on its stored hex text, which its Parquet statistics can prune.
      const column = p.archived ? 'trace_hex' : 'trace_id';
      const byBlock = new Map<number, string[]>();
      for (const [number, hex, lo, hi] of words) {
        const literal = p.archived ? hex : number;
        for (const blk of p.candidateBlocks(lo, hi)) {
          const ids = byBlock.get(blk);
          if (ids) ids.push(literal);
          else byBlock.set(blk, [literal]);
        }
      }
      if (byBlock.size === 0) continue;
      const i = parts.push(p) - 1;
      for (const [blk, ids] of byBlock) {
        const match = ids.length === 1 ? `= ${ids[0]}` : `IN (${ids.join(', ')})`;
        selects.push(`SELECT ${i} AS part, ${columns} FROM ${p.alias}.spans WHERE blk = ${uint(blk)} AND ${column} ${match} AND ${own}`);
      }
    }
    return selects.length === 0 ? null : { sql: selects.join(' UNION ALL '), parts };
  }

  async findTraces(q: TraceQuery): Promise<TraceSearchResult> {
    const found = this.matchesSql(q);
    if (!found) return { traces: [], total: 0, ...(q.anchor !== undefined && { newSinceAnchor: 0 }) };
    const rows = await this.source.read(pageSql(found.sql, q, found.spansOf), found.params.values);
    const [total, everything, newest] = [Number(rows[0]![0]), Number(rows[0]![1]), rows[0]![2] as DuckDBStructValue | null];
    const traces = rows
      .filter((r) => r[3] !== null)
      .map((r) => {
        const part = found.parts[Number(r[5])]!;
        const dur = r[9] as bigint;
        return {
          traceId: hex32(r[3] as bigint) as TraceId,
          startTimeUnixNano: r[4] as UnixNanos,
          matched: {
            spanId: hex16(r[6] as bigint) as SpanId,
            service: part.resources.get(Number(r[7]))?.service ?? '',
            name: r[8] as string,
            durationNanos: dur > 0n ? dur : 0n,
          },
        };
      });
    return {
      traces,
      total,
      ...(newest !== null && { newest: { startTimeUnixNano: newest.entries.s as UnixNanos, traceId: hex32(newest.entries.id as bigint) as TraceId } }),
      ...(q.anchor !== undefined && { newSinceAnchor: everything - total }),
    };
  }

  async tracePoints(q: TraceQuery, max: number): Promise<TracePoints> {
    const found = this.matchesSql(q);
    if (!found) return { points: [], total: 0, sampled: false };
    const rows = await this.source.read(pointsSql(found.sql, max, found.spansOf), found.params.values);
    const total = rows.length > 0 ? Number(rows[0]![5]) : 0;
    const points = rows.map((r) => ({
      traceId: hex32(r[0] as bigint) as TraceId,
      spanCount: Number(r[1]),
      startTimeUnixNano: r[2] as UnixNanos,
      endTimeUnixNano: BigInt(r[3] as bigint) as UnixNanos,
      errorCount: Number(r[4]),
    }));
    return { points, total, sampled: total > points.length };
  }

  /**
   * The union of every partition's spans matching `q` (see matchingSpansSql), and `spansOf(cte)`, every span of the
   * tenant's traces named in a CTE over the same partitions; null when no partition can hold a match.
   */
  private matchesSql(q: TraceQuery): { sql: string; params: Params; parts: Partition[]; spansOf: (cte: string) => string } | null {
    const params = new Params();
    const parts: Partition[] = [];
    const selects: string[] = [];
    const all = [...this.source.partitions()];
    for (const p of all) {
      const sql = matchingSpansSql(p, this.tenant, parts.length, q, params);
      if (sql === null) continue;
      parts.push(p);
      selects.push(sql);
    }
    if (selects.length === 0) return null;
    const window = all.flatMap((p) => {
      const own = p.tenantCondition(this.tenant);
      return own !== null && p.overlaps(q.start, q.end) ? [[p, own] as const] : [];
    });
    const spansOf = (cte: string): string =>
      window
        .map(
          ([p, own]) =>
            `SELECT trace_id, start_ns, duration_ns, status_code FROM ${p.alias}.spans
             WHERE ${own} AND trace_id IN (SELECT trace_id FROM ${cte})`,
        )
        .join(' UNION ALL ');
    return { sql: selects.join(' UNION ALL '), params, parts, spansOf };
  }

  async rangeArchived(traceIds: readonly TraceId[]): Promise<Set<TraceId>> {
    const found = this.traceSql(traceIds, undefined, 'trace_hex', false, true);
    if (!found) return new Set();
    return new Set((await this.source.read(`SELECT DISTINCT trace_hex FROM (${found.sql})`)).map((r) => r[0] as TraceId));
  }

  async rangeArchiveDays(): Promise<ArchivedDay[]> {
    const days: ArchivedDay[] = [];
    for (const p of this.source.partitions()) {
      const spans = p.archived ? (p.archivedSpans?.[this.tenant] ?? 0) : 0;
      if (spans > 0) days.push({ day: new Date(p.period * 86_400_000).toISOString().slice(0, 10), spans });
    }
    return days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }

  async summarizeTraces(traceIds: readonly TraceId[]): Promise<Map<TraceId, TraceDigest>> {
    const out = new Map<TraceId, TraceDigest>();
    for (const whole of [false, true]) {
      const found = this.traceSql(whole ? traceIds.filter((id) => !out.has(id)) : traceIds, undefined, DIGEST_COLUMNS, whole);
      if (!found) continue;
      for (const [id, digest] of mergeDigests(await this.source.read(digestSql(found.sql)), found.parts)) out.set(id, digest);
    }
    return out;
  }

  latencyHeatmap(q: HeatmapQuery): Promise<LatencyHeatmap> {
    return readHeatmap((sql, values) => this.source.read(sql, values), this.source.partitions(), this.tenant, q);
  }

  attributeCounts(q: AttributeCountsQuery): Promise<AttributeCounts> {
    return readAttributeCounts((sql, values) => this.source.read(sql, values), this.source.partitions(), this.tenant, q);
  }

  scanSpans(window: SpanScanWindow): AsyncIterable<Span[]> {
    return scanPartitionSpans(this.tenant, this.source, window);
  }

  countSpans(window: SpanScanWindow): Promise<number> {
    return countPartitionSpans(this.tenant, this.source, window);
  }

  async services(): Promise<string[]> {
    const names = new Set<string>();
    for (const p of this.source.partitions()) {
      if (!p.holds(this.tenant)) continue;
      for (const id of p.tenantResources.get(this.tenant) ?? []) {
        const r = p.resources.get(id);
        if (r) names.add(r.service);
      }
    }
    return [...names].sort(byCodeUnit);
  }

  async operations(q: OperationQuery): Promise<Operation[]> {
    const selects: string[] = [];
    for (const p of this.source.partitions()) {
      const sql = operationsSql(p, this.tenant, q);
      if (sql) selects.push(sql);
    }
    if (selects.length === 0) return [];
    const rows = await this.source.read(`SELECT DISTINCT name, kind FROM (${selects.join(' UNION ALL ')})`);
    return rows
      .map((r) => ({ name: r[0] as string, spanKind: Number(r[1]) as SpanKind }))
      .sort((a, b) => byCodeUnit(a.name, b.name) || a.spanKind - b.spanKind);
  }
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Whether spans read through a window (the partitions it overlaps) may not be the whole trace: one of them starts
 * before it or ends after it, so other spans may start out of it, in partitions it does not overlap; or one has a
 * parent that is not among them. A trace crossing midnight is split between two days of a range archive, whatever
 * the window Grafana sends (the panel's range), and between two live partitions when its spans arrived on two days.
 */
function reachesBeyond(spans: ReadonlyArray<Pick<SpanOutline, 'spanId' | 'parentSpanId' | 'startTimeUnixNano' | 'endTimeUnixNano'>>, window: Partial<TimeWindow>): boolean {
  if (spans.length === 0) return false;
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.some(
    (s) =>
      (window.start !== undefined && s.startTimeUnixNano < window.start) ||
      (window.end !== undefined && s.endTimeUnixNano > window.end) ||
      (s.parentSpanId !== null && !ids.has(s.parentSpanId)),
  );
}
