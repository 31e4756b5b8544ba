import type { SpanKind, Tenant } from '@clew/model';
import type { SpanMetricsPoint, SpanMetricsQuery } from '../../metrics/metrics-store.js';
import { BinsAccumulator } from '../../metrics/duckdb/bins-accumulator.js';
import { BinsReader } from '../../metrics/duckdb/bins-codec.js';
import { queryMinutes, stepMinutes } from '../../metrics/duckdb/span-metrics-reader.js';
import { str } from '../sql.js';

const MINUTE = 60_000;

/** Runs a SELECT and returns its rows (JSONEachRow, 64-bit integers as strings). */
export type Select = <T>(sql: string) => Promise<T[]>;

/** `AND column IN (…)` for a filter, '' without one; undefined when the filter is an empty list (nothing matches). */
export function inList(column: string, values: readonly (string | number)[] | undefined): string | undefined {
  if (values === undefined) return '';
  if (values.length === 0) return undefined;
  return ` AND ${column} IN (${values.map((v) => (typeof v === 'number' ? String(Math.trunc(v)) : str(v))).join(', ')})`;
}

/** The bucket of a row's minute: a multiple of the step, or one bucket (0) for the whole window. */
export const bucketSql = (stepT: number | undefined): string => (stepT === undefined ? 'toUInt32(0)' : `intDiv(minute, ${stepT}) * ${stepT}`);

export const cmp = (a: string | number | undefined, b: string | number | undefined): number =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;

interface GroupRow {
  bucket: number;
  service?: string;
  operation?: string;
  kind?: number;
  c: number;
  e: number;
  d: number;
  n: string;
  b: string;
}

/**
 * One tenant's span metrics: ClickHouse adds up counts, errors and durations per group and bucket and concatenates
 * the group's encoded bins (self-delimiting, so one string per group), which the DuckDB store's accumulator merges.
 */
export async function readSpanMetrics(select: Select, db: string, tenant: Tenant, q: SpanMetricsQuery): Promise<SpanMetricsPoint[]> {
  const [fromT, toT] = queryMinutes(q.from, q.to);
  const stepT = stepMinutes(q.step);
  if (toT <= fromT) return [];
  const filters = [inList('service', q.services), inList('operation', q.operations), inList('kind', q.kinds)];
  if (filters.some((f) => f === undefined)) return [];
  const dims = (['service', 'operation', 'kind'] as const).filter((d) => q.groupBy.includes(d));
  const keys = ['bucket', ...dims].join(', ');
  const rows = await select<GroupRow>(
    `SELECT ${bucketSql(stepT)} AS bucket${dims.map((d) => `, ${d}`).join('')},
       sum(count) AS c, sum(errors) AS e, sum(dur) AS d, count() AS n, arrayStringConcat(groupArray(bins)) AS b
     FROM ${db}.span_metrics
     WHERE tenant = ${str(tenant)} AND minute >= ${fromT} AND minute < ${toT}${filters.join('')}
     GROUP BY ${keys}`,
  );
  // GROUP BY a constant alone (no step, no dimension) is a total: one row even over no rows, dropped here.
  const points = rows.filter((r) => Number(r.n) > 0).map((r): SpanMetricsPoint => {
    const acc = new BinsAccumulator();
    acc.addFrom(new BinsReader(r.b), Number(r.n));
    return {
      t: stepT === undefined ? q.from : Number(r.bucket) * MINUTE,
      ...(r.service !== undefined && { service: r.service }),
      ...(r.operation !== undefined && { operation: r.operation }),
      ...(r.kind !== undefined && { kind: r.kind as SpanKind }),
      count: r.c,
      errors: r.e,
      durationSumNanos: r.d,
      latency: acc.build(),
    };
  });
  return points.sort((a, b) => a.t - b.t || cmp(a.service, b.service) || cmp(a.operation, b.operation) || cmp(a.kind, b.kind));
}
