import type { DuckDBValue } from '@duckdb/node-api';
import type { Tenant } from '@clew/model';
import { anyValueToString, StatusCode } from '@clew/model';
import type { TraceQuery } from '../store.js';
import type { Partition } from './partition.js';
import { TYPED_ATTRIBUTES } from './schema.js';
import { bigint, traceIdLiteral, ubigint, uint, utinyint } from './sql.js';
import { attributeKey, attributePattern } from './value-codec.js';

/** Bound values shared by the per-partition pieces of one statement. */
export class Params {
  readonly values: DuckDBValue[] = [];
  bind(v: string): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The columns of each matching span, after the partition's index `part` (see matchingSpansSql). */
const MATCH_COLUMNS = 'trace_id, span_id, start_ns, duration_ns, name, res_id';

/**
 * `SELECT part, trace_id, span_id, start_ns, duration_ns, name, res_id FROM <partition> WHERE ...` for the spans of
 * the tenant in one partition (index `part` in the caller's list) that satisfy every condition of the query, or
 * null when the partition cannot hold any (wrong time range, no span of the tenant, no resource of the service).
 * Other `columns` may be asked for.
 */
export function matchingSpansSql(
  p: Partition,
  tenant: Tenant,
  part: number,
  q: TraceQuery,
  params: Params,
  columns = MATCH_COLUMNS,
): string | null {
  const own = p.tenantCondition(tenant);
  if (own === null || !p.overlaps(q.start, q.end)) return null;
  const where: string[] = [own];
  if (q.service !== undefined) {
    const ids = p.resourceIdsWhere(tenant, (r) => r.service === q.service);
    if (ids.length === 0) return null;
    where.push(inList('res_id', ids));
  }
  if (q.operation !== undefined) where.push(`name = ${params.bind(q.operation)}`);
  if (q.spanKind !== undefined) where.push(`kind = ${utinyint(q.spanKind)}`);
  if (q.start !== undefined) where.push(`start_ns >= ${ubigint(q.start)}`);
  if (q.end !== undefined) where.push(`start_ns <= ${ubigint(q.end)}`);
  // A span whose end is before its start has duration 0 (spanDuration), which every minimum <= 0 admits.
  if (q.minDuration !== undefined && q.minDuration > 0n) where.push(`duration_ns >= ${bigint(q.minDuration)}`);
  if (q.maxDuration !== undefined) where.push(`greatest(duration_ns, 0) <= ${bigint(q.maxDuration)}`);
  const attrs = q.attributes ?? [];
  const blocks = attributeBlocks(p, tenant, attrs);
  if (blocks?.length === 0) return null;
  // One SELECT per candidate block: an equality on the clustered block number is what lets zone maps skip row
  // groups (as for trace by id).
  const select = (conds: string[]): string =>
    (blocks ?? [null])
      .map((blk) => {
        const all = blk === null ? conds : [`blk = ${uint(blk)}`, ...conds];
        return `SELECT ${uint(part)} AS part, ${columns} FROM ${p.alias}.spans WHERE ${all.join(' AND ')}`;
      })
      .join(' UNION ALL ');
  if (!attrs.some(([key]) => TYPED_ATTRIBUTES.has(key))) {
    return select([...where, ...attrs.map(([k, v]) => attributeCondition(p, tenant, k, v, params, true))]);
  }
  // Spans whose typed attributes are all in their typed columns are answered from those columns alone, without
  // touching (and decompressing) the attribute strings; the rare others are checked in full.
  const typedOnly = select([...where, 'NOT typed_spill', ...attrs.map(([k, v]) => attributeCondition(p, tenant, k, v, params, false))]);
  const spilled = select([...where, 'typed_spill', ...attrs.map(([k, v]) => attributeCondition(p, tenant, k, v, params, true))]);
  return `${typedOnly} UNION ALL ${spilled}`;
}

/**
 * The blocks whose attribute blooms admit every pair that only a span or event attribute can satisfy, or null
 * when that prunes nothing (no such pair, or every block is a candidate).
 */
function attributeBlocks(p: Partition, tenant: Tenant, attrs: NonNullable<TraceQuery['attributes']>): number[] | null {
  const keys = attrs
    .filter(([k, v]) => !(k === 'error' && v === 'true') && matchingResources(p, tenant, k, v).length === 0)
    .map(([k, v]) => attributeKey(k, v));
  if (keys.length === 0) return null;
  const blocks = p.attrCandidateBlocks(keys);
  return blocks.length === p.blooms.size ? null : blocks;
}

function matchingResources(p: Partition, tenant: Tenant, key: string, value: string): number[] {
  return p.resourceIdsWhere(tenant, (r) => r.resource.attributes.some((kv) => kv.key === key && anyValueToString(kv.value) === value));
}

/** A `key=value` filter; `spilled` says whether a typed key may also hold values outside its column. */
function attributeCondition(p: Partition, tenant: Tenant, key: string, value: string, params: Params, spilled: boolean): string {
  if (key === 'error' && value === 'true') return `status_code = ${utinyint(StatusCode.ERROR)}`;
  const column = TYPED_ATTRIBUTES.get(key);
  let cond: string;
  if (column && !spilled) cond = `${column} = ${params.bind(value)}`;
  else {
    // Event attributes are inside `attrs` too (span-codec encodeBody).
    cond = `contains(attrs, ${params.bind(attributePattern(key, value))})`;
  }
  const res = matchingResources(p, tenant, key, value);
  if (res.length > 0) cond += ` OR ${inList('res_id', res)}`;
  return `(${cond})`;
}

export function inList(column: string, ids: readonly number[]): string {
  return ids.length === 1 ? `${column} = ${uint(ids[0]!)}` : `${column} IN (${ids.map(uint).join(', ')})`;
}

/** `t`: each matching trace with its earliest matching start `s`; `a`: those at or after the anchor, newest first. */
function matchedTracesCtes(unionOfMatches: string, anchor: TraceQuery['anchor']): string {
  const atOrAfter =
    anchor === undefined
      ? 'TRUE'
      : `s < ${ubigint(anchor.startTimeUnixNano)} OR (s = ${ubigint(anchor.startTimeUnixNano)} AND trace_id >= ${traceIdLiteral(anchor.traceId)})`;
  return `m AS (${unionOfMatches}),
    t AS (SELECT trace_id, min(start_ns) AS s FROM m GROUP BY trace_id),
    a AS (SELECT * FROM t WHERE ${atOrAfter})`;
}

/**
 * `trace_id, n, s, e, errors` per trace of the CTE named `of`, over `spansOf(of)` (every span of those traces): span
 * count, earliest start, latest end, spans with status ERROR.
 */
function extentSql(spansOf: (cte: string) => string, of: string): string {
  return `SELECT trace_id, count(*) AS n, min(start_ns) AS s, max(start_ns::HUGEINT + duration_ns) AS e,
      count(*) FILTER (WHERE status_code = ${utinyint(StatusCode.ERROR)}) AS errors
    FROM (${spansOf(of)}) GROUP BY trace_id`;
}

/**
 * One page of matching traces, ordered by `q.sort` (newest first by default; by the whole trace's duration or span
 * count, computed over `spansOf`, else), limited by the anchor. The first row holds `total` (at or after the anchor),
 * `everything` (all matches) and `newest` (a struct of s and trace_id: the first trace at or after the anchor in
 * newest-first order) even when the page is empty, the page's columns then null: trace_id, s, part, span_id,
 * res_id, name, dur.
 */
export function pageSql(unionOfMatches: string, q: TraceQuery, spansOf: (cte: string) => string): string {
  const sort = q.sort ?? 'start';
  const limit = Math.max(1, Math.trunc(q.limit));
  const offset = Math.max(0, Math.trunc(q.offset ?? 0));
  const byTrace = sort === 'start' ? '' : `, x AS (${extentSql(spansOf, 'a')})`;
  const order = sort === 'start' ? '' : 'ord DESC NULLS LAST, ';
  const ord = sort === 'start' ? 'NULL' : sort === 'duration' ? 'x.e - x.s' : 'x.n';
  // The matched span (the earliest matching one, ties by span id) is looked up for the page's traces only: picking it
  // for every match while grouping cost half as much again as the search itself.
  return `WITH ${matchedTracesCtes(unionOfMatches, q.anchor)}${byTrace},
    page AS (SELECT a.trace_id, a.s, ${ord} AS ord
      FROM a${sort === 'start' ? '' : ' LEFT JOIN x USING (trace_id)'}
      ORDER BY ${order}a.s DESC, a.trace_id ASC LIMIT ${limit} OFFSET ${offset}),
    hit AS (SELECT m.trace_id,
        arg_min(struct_pack(part := part, span_id := span_id, res_id := res_id, name := name, dur := duration_ns), span_id) AS first
      FROM m JOIN page ON m.trace_id = page.trace_id AND m.start_ns = page.s GROUP BY m.trace_id)
    SELECT c.total, e.everything, c.newest, page.trace_id, page.s, hit.first.part, hit.first.span_id, hit.first.res_id,
      hit.first.name, hit.first.dur
    FROM (SELECT count(*) AS total, first(struct_pack(s := s, id := trace_id) ORDER BY s DESC, trace_id ASC) AS newest FROM a) c,
      (SELECT count(*) AS everything FROM t) e LEFT JOIN page ON TRUE LEFT JOIN hit ON hit.trace_id = page.trace_id
    ORDER BY ${order}page.s DESC, page.trace_id ASC`;
}

/**
 * Every matching trace's extent, or a sample of `max` of them chosen by a hash of the trace id, newest first; each
 * row `trace_id, n, s, e, errors, total`.
 */
export function pointsSql(unionOfMatches: string, max: number, spansOf: (cte: string) => string): string {
  return `WITH m AS (${unionOfMatches}), t AS (SELECT DISTINCT trace_id FROM m),
    pick AS (SELECT trace_id FROM t ORDER BY hash(trace_id), trace_id LIMIT ${Math.max(1, Math.trunc(max))}),
    x AS (${extentSql(spansOf, 'pick')})
    SELECT x.*, (SELECT count(*) FROM t) AS total FROM x ORDER BY x.s DESC, x.trace_id ASC`;
}
