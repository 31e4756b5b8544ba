import type { DuckDBConnection } from '@duckdb/node-api';
import type { SpanKind, Tenant } from '@clew/model';
import type { SpanMetricsPoint, SpanMetricsQuery } from '../metrics-store.js';
import { BinsAccumulator } from './bins-accumulator.js';
import { BinsReader } from './bins-codec.js';
import { forEachChunk, idFilter } from './read-chunks.js';
import type { SeriesDictionary } from './series-dictionary.js';
import type { RolledTier, TierSegment } from './tier-plan.js';
import { planSegments } from './tier-plan.js';

/** A table holding rows of one tier; `byService` when its ids are service series (vid), else series (sid). */
export interface SpanSource {
  readonly table: string;
  readonly byService: boolean;
}

/** The tables answering a segment, at the operation level or (operations added up) at the service level. */
export type SourcesOf = (segment: TierSegment, serviceLevel: boolean) => SpanSource[];

interface Group {
  readonly service?: string;
  readonly operation?: string;
  readonly kind?: SpanKind;
}

interface Cell {
  readonly t: number;
  readonly group: number;
  count: number;
  errors: number;
  dur: number;
  readonly bins: BinsAccumulator;
}

const MINUTE = 60_000;

/** Minutes [from, to) of a query in epoch milliseconds: a minute counts when its start is inside the window. */
export function queryMinutes(from: number, to: number): [number, number] {
  return [Math.ceil(from / MINUTE), Math.ceil(to / MINUTE)];
}

export function stepMinutes(step: number | undefined): number | undefined {
  if (step === undefined) return undefined;
  if (!(step > 0) || step % MINUTE !== 0) throw new RangeError(`span metrics step ${step} ms is not a positive whole number of minutes`);
  return step / MINUTE;
}

/**
 * Reads one tenant's span metrics (only its series ids are read): picks the tiers (planSegments) and tables
 * (`sourcesOf`), selects their rows in one statement (the caller holds the store's read lock across both, so the
 * tables planned are the tables read), adds up counts per series and bucket in SQL, and merges bins and series into
 * groups in JavaScript, where merging bins is an array index per bin.
 */
export async function readSpanMetrics(
  conn: DuckDBConnection,
  tenant: Tenant,
  q: SpanMetricsQuery,
  dict: SeriesDictionary,
  tiers: readonly RolledTier[],
  sourcesOf: SourcesOf,
  afterPlan?: () => Promise<void>,
): Promise<SpanMetricsPoint[]> {
  const [fromT, toT] = queryMinutes(q.from, q.to);
  const stepT = stepMinutes(q.step);
  if (toT <= fromT) return [];
  const services = q.services && new Set(q.services);
  const operations = q.operations && new Set(q.operations);
  const kinds = q.kinds && new Set<number>(q.kinds);
  const byService = q.groupBy.includes('service');
  const byOperation = q.groupBy.includes('operation');
  const byKind = q.groupBy.includes('kind');
  const serviceLevel = !operations && !byOperation;

  const groups: Group[] = [];
  const groupIds = new Map<string, number>();
  const groupOf = (service: string, operation: string, kind: SpanKind): number => {
    const key = `${byService ? service : ''}\u0000${byOperation ? operation : ''}\u0000${byKind ? kind : ''}`;
    let g = groupIds.get(key);
    if (g === undefined) {
      g = groups.push({ ...(byService && { service }), ...(byOperation && { operation }), ...(byKind && { kind }) }) - 1;
      groupIds.set(key, g);
    }
    return g;
  };
  const sidGroup = new Int32Array(dict.series.length).fill(-1);
  const vidGroup = new Int32Array(dict.services.length).fill(-1);
  const sids: number[] = [];
  const vids = new Set<number>();
  for (const sid of dict.seriesOf(tenant)) {
    const s = dict.series[sid]!;
    if (services && !services.has(s.service)) continue;
    if (operations && !operations.has(s.operation)) continue;
    if (kinds && !kinds.has(s.kind)) continue;
    sidGroup[sid] = groupOf(s.service, s.operation, s.kind);
    vidGroup[s.vid] = groupOf(s.service, '', s.kind);
    sids.push(sid);
    vids.add(s.vid);
  }
  if (sids.length === 0) return [];
  const sidList = sids.length === dict.series.length ? null : sids;
  const vidList = vids.size === dict.services.length ? null : [...vids];

  // Deltas not compacted yet are in no tier, whatever their minute (a late one may fall in a rolled hour): they
  // are read once, for the whole window, at the query's level.
  const delta = serviceLevel ? 'svc_delta' : 'span_delta';
  const selects = [
    `SELECT ${serviceLevel ? 1 : 0} AS v, t, id, count, errors, dur, bins FROM ${delta}
     WHERE t >= ${fromT} AND t < ${toT}${idFilter('id', serviceLevel ? vidList : sidList)}`,
  ];
  for (const seg of planSegments(fromT, toT, stepT, tiers)) {
    for (const src of sourcesOf(seg, serviceLevel)) {
      selects.push(
        `SELECT ${src.byService ? 1 : 0} AS v, t, id, count, errors, dur, bins FROM ${src.table}
         WHERE t >= ${seg.lo} AND t < ${seg.hi}${idFilter('id', src.byService ? vidList : sidList)}`,
      );
    }
  }
  const firstBucket = stepT === undefined ? 0 : Math.floor(fromT / stepT);
  const buckets = stepT === undefined ? 1 : Math.floor((toT - 1) / stepT) - firstBucket + 1;
  // Added up in SQL per (series, bucket), then one string per series: for each bucket its number, sums and row
  // count as text, then its rows' bins. JavaScript receives a few strings, not a value per stored row (each value
  // crossing costs more than parsing it), and needs no ordered aggregate (those tripled the query's time).
  const sql = `WITH r AS (${selects.join('\nUNION ALL\n')}),
    c AS (SELECT v, id, ${stepT === undefined ? '0' : `(t // ${stepT})::INTEGER`} AS b, sum(count) AS c, sum(errors) AS e, sum(dur) AS d,
            count(*)::INTEGER AS n, string_agg(bins, '') AS s
          FROM r GROUP BY v, id, b)
    SELECT v, id, string_agg(concat(b, ',', c, ',', e, ',', d, ',', n, ';', s), '') FROM c GROUP BY v, id`;
  const cells = new Map<number, Cell>();
  await afterPlan?.();
  await forEachChunk(conn, sql, [], (chunk) => {
    const [v, ids, text] = [0, 1, 2].map((i) => chunk.getColumnVector(i));
    for (let i = 0; i < chunk.rowCount; i++) {
      const id = ids!.getItem(i) as number;
      const group = v!.getItem(i) === 1 ? vidGroup[id] : sidGroup[id];
      if (!(group! >= 0)) continue; // not matched (the id filter is a range), or committed after this query was planned
      const reader = new BinsReader(text!.getItem(i) as string);
      while (!reader.done) {
        const b = reader.decimal();
        const key = group! * buckets + (b - firstBucket);
        let cell = cells.get(key);
        if (!cell) {
          const start = stepT === undefined ? q.from : b * stepT * MINUTE;
          cells.set(key, (cell = { t: start, group: group!, count: 0, errors: 0, dur: 0, bins: new BinsAccumulator() }));
        }
        cell.count += reader.decimal();
        cell.errors += reader.decimal();
        cell.dur += reader.decimal();
        cell.bins.addFrom(reader, reader.decimal());
      }
    }
  });
  return [...cells.values()]
    .map((c) => ({ t: c.t, ...groups[c.group], count: c.count, errors: c.errors, durationSumNanos: c.dur, latency: c.bins.build() }))
    .sort(byPoint);
}

const cmp = (a: string | number | undefined, b: string | number | undefined): number =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;

const byPoint = (a: SpanMetricsPoint, b: SpanMetricsPoint): number =>
  a.t - b.t || cmp(a.service, b.service) || cmp(a.operation, b.operation) || cmp(a.kind, b.kind);
