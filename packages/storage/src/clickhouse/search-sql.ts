import type { Tenant } from '@clew/model';
import { StatusCode } from '@clew/model';
import type { TraceQuery } from '../store.js';
import { DURATION, END, str, TID, u64 } from './sql.js';

/** The conditions of a search on one span (see TraceQuery), for the spans table of the tenant. */
export type SpanConditions = Omit<TraceQuery, 'limit' | 'offset' | 'sort' | 'anchor'>;

/** `key = value` among a pair of parallel arrays. */
const pairIn = (keys: string, values: string, k: string, v: string): string =>
  `arrayExists((k, v) -> k = ${str(k)} AND v = ${str(v)}, ${keys}, ${values})`;

/** A WHERE clause: the tenant's spans meeting every condition of `q`. */
export function whereSpans(db: string, tenant: Tenant, q: SpanConditions): string {
  const where = [`tenant = ${str(tenant)}`];
  if (q.service !== undefined) where.push(`service = ${str(q.service)}`);
  if (q.operation !== undefined) where.push(`name = ${str(q.operation)}`);
  if (q.spanKind !== undefined) where.push(`kind = ${Number(q.spanKind) & 0xff}`);
  if (q.start !== undefined) where.push(`start >= ${u64(q.start)}`);
  if (q.end !== undefined) where.push(`start <= ${u64(q.end)}`);
  if (q.minDuration !== undefined && q.minDuration > 0n) where.push(`${DURATION} >= ${u64(q.minDuration)}`);
  if (q.maxDuration !== undefined) where.push(q.maxDuration < 0n ? '0' : `${DURATION} <= ${u64(q.maxDuration)}`);
  for (const [k, v] of q.attributes ?? []) {
    if (k === 'error' && v === 'true') where.push(`status = ${StatusCode.ERROR}`);
    else {
      where.push(
        `(${pairIn('attr_keys', 'attr_values', k, v)} OR ${pairIn('event_keys', 'event_values', k, v)}
          OR resource_id IN (SELECT id FROM ${db}.resources WHERE tenant = ${str(tenant)} AND ${pairIn('res_keys', 'res_values', k, v)}))`,
      );
    }
  }
  return where.join(' AND ');
}

/** A condition on `s` (earliest matching start) and `trace_id`: at or after the anchor in newest-first order. */
export function atOrAfter(anchor: TraceQuery['anchor']): string {
  if (anchor === undefined) return '1';
  const s = u64(anchor.startTimeUnixNano);
  return `(s < ${s} OR (s = ${s} AND ${TID} >= ${str(anchor.traceId)}))`;
}

/** Each matching trace with its earliest matching start `s`. */
export const matchedTraces = (db: string, where: string): string =>
  `SELECT trace_id, min(start) AS s FROM ${db}.spans WHERE ${where} GROUP BY trace_id`;

/**
 * `trace_id, n, s, e, errors, extent` per trace of the subquery `ids` over every span of the tenant's traces: span
 * count, earliest start, latest end, spans with status ERROR, latest end − earliest start.
 */
export const extentsSql = (db: string, tenant: Tenant, ids: string): string =>
  `SELECT trace_id, count() AS n, min(start) AS s, max(${END}) AS e, countIf(status = ${StatusCode.ERROR}) AS errors,
     toInt64(max(${END})) - toInt64(min(start)) AS extent
   FROM ${db}.spans WHERE tenant = ${str(tenant)} AND trace_id IN (${ids}) GROUP BY trace_id`;

