import type { DuckDBValue } from '@duckdb/node-api';
import { anyValueToString, StatusCode } from '@clew/model';
import type { TraceQuery } from '../store.js';
import type { Partition } from './partition.js';
import { TYPED_ATTRIBUTES } from './schema.js';
import { bigint, ubigint, uint, utinyint } from './sql.js';
import { attributeKey, attributePattern } from './value-codec.js';

/** Bound values shared by the per-partition pieces of one statement. */
export class Params {
  readonly values: DuckDBValue[] = [];
  bind(v: string): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * `SELECT trace_id, start_ns FROM <partition> WHERE ...` for the spans of one partition that satisfy every condition
 * of the query, or null when the partition cannot hold any (wrong time range, no resource of the service).
 */
export function matchingSpansSql(p: Partition, q: TraceQuery, params: Params): string | null {
  if (!p.overlaps(q.start, q.end)) return null;
  const where: string[] = [];
  if (q.service !== undefined) {
    const ids = p.resourceIdsWhere((r) => r.service === q.service);
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
  const blocks = attributeBlocks(p, attrs);
  if (blocks?.length === 0) return null;
  // One SELECT per candidate block: an equality on the clustered block number is what lets zone maps skip row
  // groups (as for trace by id).
  const select = (conds: string[]): string =>
    (blocks ?? [null])
      .map((blk) => {
        const all = blk === null ? conds : [`blk = ${uint(blk)}`, ...conds];
        return `SELECT trace_id, start_ns FROM ${p.alias}.spans${all.length ? ' WHERE ' + all.join(' AND ') : ''}`;
      })
      .join(' UNION ALL ');
  if (!attrs.some(([key]) => TYPED_ATTRIBUTES.has(key))) {
    return select([...where, ...attrs.map(([k, v]) => attributeCondition(p, k, v, params, true))]);
  }
  // Spans whose typed attributes are all in their typed columns are answered from those columns alone, without
  // touching (and decompressing) the attribute strings; the rare others are checked in full.
  const typedOnly = select([...where, 'NOT typed_spill', ...attrs.map(([k, v]) => attributeCondition(p, k, v, params, false))]);
  const spilled = select([...where, 'typed_spill', ...attrs.map(([k, v]) => attributeCondition(p, k, v, params, true))]);
  return `${typedOnly} UNION ALL ${spilled}`;
}

/**
 * The blocks whose attribute blooms admit every pair that only a span or event attribute can satisfy, or null
 * when that prunes nothing (no such pair, or every block is a candidate).
 */
function attributeBlocks(p: Partition, attrs: NonNullable<TraceQuery['attributes']>): number[] | null {
  const keys = attrs
    .filter(([k, v]) => !(k === 'error' && v === 'true') && matchingResources(p, k, v).length === 0)
    .map(([k, v]) => attributeKey(k, v));
  if (keys.length === 0) return null;
  const blocks = p.attrCandidateBlocks(keys);
  return blocks.length === p.blooms.size ? null : blocks;
}

function matchingResources(p: Partition, key: string, value: string): number[] {
  return p.resourceIdsWhere((r) => r.resource.attributes.some((kv) => kv.key === key && anyValueToString(kv.value) === value));
}

/** A `key=value` filter; `spilled` says whether a typed key may also hold values outside its column. */
function attributeCondition(p: Partition, key: string, value: string, params: Params, spilled: boolean): string {
  if (key === 'error' && value === 'true') return `status_code = ${utinyint(StatusCode.ERROR)}`;
  const column = TYPED_ATTRIBUTES.get(key);
  let cond: string;
  if (column && !spilled) cond = `${column} = ${params.bind(value)}`;
  else {
    // Event attributes are inside `attrs` too (span-codec encodeBody).
    cond = `contains(attrs, ${params.bind(attributePattern(key, value))})`;
  }
  const res = matchingResources(p, key, value);
  if (res.length > 0) cond += ` OR ${inList('res_id', res)}`;
  return `(${cond})`;
}

export function inList(column: string, ids: readonly number[]): string {
  return ids.length === 1 ? `${column} = ${uint(ids[0]!)}` : `${column} IN (${ids.map(uint).join(', ')})`;
}

/** Newest first by each trace's earliest matching span, ties by trace id, with the total over all pages. */
export function pageSql(unionOfMatches: string, limit: number, offset: number): string {
  return `WITH m AS (${unionOfMatches}),
    t AS (SELECT trace_id, min(start_ns) AS s FROM m GROUP BY trace_id)
    SELECT trace_id, s, (SELECT count(*) FROM t) AS total FROM t
    ORDER BY s DESC, trace_id ASC LIMIT ${Math.max(1, Math.trunc(limit))} OFFSET ${Math.max(0, Math.trunc(offset))}`;
}
