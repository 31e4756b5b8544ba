import type { DeltaMinutes } from './delta-minutes.js';
import { idFilter } from './read-chunks.js';
import type { TierSegment } from './tier-plan.js';

/** A table holding rows of one tier; `byService` when its ids are service series (vid), else series (sid). */
export interface SpanSource {
  readonly table: string;
  readonly byService: boolean;
}

/** The tables answering a segment, at the operation level or (operations added up) at the service level. */
export type SourcesOf = (segment: TierSegment, serviceLevel: boolean) => SpanSource[];

/** Minutes [lo, hi) read from the tables: per period of `period` minutes to be cached, else per query bucket. */
export interface Run {
  readonly period: number;
  readonly lo: number;
  hi: number;
  readonly perPeriod: boolean;
}

/** What a read's statement reads (see readSpanMetrics, which plans it). */
export interface StatementPlan {
  /** Ascending and apart. */
  readonly runs: readonly Run[];
  /** The query's step in minutes, and its first bucket (multiples of the step since the epoch). */
  readonly stepT: number | undefined;
  readonly firstBucket: number;
  /** Service series (the service tables) instead of series (the day tables). */
  readonly serviceLevel: boolean;
  /** The ids to read (null: every one), of service series and of series. */
  readonly vidList: readonly number[] | null;
  readonly sidList: readonly number[] | null;
  readonly sourcesOf: SourcesOf;
  /** Minutes the delta tables may hold rows of; null when none. */
  readonly deltas: DeltaMinutes | null;
  /** Each group one series and the step a tier's period: a point of one row that kept its quantiles needs no bins. */
  readonly summaryOnly: boolean;
  readonly countsOnly: boolean;
  /** The query asked for quantiles (rows hand over the ones they kept). */
  readonly quantiles: boolean;
}

/**
 * The statement of a read; undefined when there is nothing to read (no table and no delta of its minutes).
 *
 * It returns one string per series: for each of its periods or buckets, its number (u: a period's first minute, or
 * -1 - bucket), sums and row count as text, then its rows' bins. JavaScript receives a few strings, not a value per
 * stored row (each value crossing costs more than parsing it), and needs no ordered aggregate (those tripled the
 * query's time). Rows are added up per (series, period or bucket) in SQL only where a whole point's bins may be left
 * out (summaryOnly: that needs to know the point is one row); elsewhere each row is written as it is, and JavaScript
 * adds a bucket's rows up as it adds periods (grouping 4,320 minutes of an SLO's series first cost a third of the
 * statement).
 *
 * With `skipBins`, tier rows whose point is most likely that one row with its quantiles kept (`o`) leave their bins
 * unread: reading them was most of the statement (a Services page's 15-minute series over 24 h, 4,800 rows: 11 → 7
 * ms warm, 25 → 12 ms on blocks not loaded yet). Rows without kept quantiles (empty bins, or written before rows kept
 * them) are read with their bins. A point of such rows made of more than one row (a late span's row beside the
 * tier's) says so ('#'), and the caller reads again without `skipBins`.
 */
export function readStatement(p: StatementPlan, skipBins: boolean): string | undefined {
  const selects = selectsOf(p, skipBins);
  if (selects.length === 0) return undefined;
  const rows = `WITH r AS (${selects.join('\nUNION ALL\n')})`;
  const { countsOnly, quantiles } = p;
  if (!p.summaryOnly) {
    return `${rows} SELECT v, id, string_agg(concat(u, ',', count, ',', errors, ',', dur, ',1,', ${
      countsOnly ? "'!'" : `${quantiles ? "coalesce(q, '')" : "''"}, ':', length(bins), ';', bins`
    }), '') FROM r GROUP BY v, id`;
  }
  return `${rows},
      c AS (SELECT v, id, u, sum(count) AS c, sum(errors) AS e, sum(dur) AS d, count(*)::INTEGER AS n,
              ${countsOnly ? "''" : "string_agg(bins, '')"} AS s, count(bins)::INTEGER AS nb, ${quantiles ? 'any_value(q)' : 'NULL'} AS q, min(o) AS o
            FROM r GROUP BY v, id, u)
      SELECT v, id, string_agg(concat(u, ',', c, ',', e, ',', d, ',', n, ',', ${
        countsOnly
          ? "'!'"
          : quantiles
            ? "CASE WHEN n = 1 AND q IS NOT NULL THEN q || CASE WHEN o = 1 THEN '!' ELSE ':' || length(s) || ';' || s END WHEN nb < n THEN '#' ELSE ';' || s END"
            : "';', s"
      }), '') FROM c GROUP BY v, id`;
}

/** The branches of the statement's UNION ALL. */
function selectsOf(p: StatementPlan, skipBins: boolean): string[] {
  const { runs, stepT, firstBucket, serviceLevel, vidList, sidList, deltas } = p;
  const bucketExpr = stepT === undefined ? '-1' : `(-1 - (t // ${stepT}) + ${firstBucket})::INTEGER`;
  const uOf = (run: Run): string => (run.perPeriod ? (run.period === 1 ? 't' : `(t // ${run.period} * ${run.period})::INTEGER`) : bucketExpr);
  const oOf = (run: Run): number => (p.summaryOnly && run.perPeriod && run.period === stepT ? 1 : 0);
  const selects: string[] = [];
  // Deltas not compacted yet are in no tier, whatever their minute (a late one may fall in a rolled hour): they are
  // read for every minute read, at the query's level, in one branch for all runs, and only when the delta tables may
  // hold rows of these minutes (`deltas`): a branch per run, mostly empty, cost a 24 h totals statement 10.5 ms
  // against 6.4 without them. Runs are ascending and apart, so the first run ending after a row's minute is the row's.
  const deltaRuns = deltas === null ? [] : runs.filter((r) => r.lo <= deltas.hi && r.hi > deltas.lo);
  if (deltaRuns.length > 0) {
    const caseOf = (f: (run: Run) => string | number): string =>
      deltaRuns.length === 1 ? String(f(deltaRuns[0]!)) : `CASE ${deltaRuns.map((r) => `WHEN t < ${r.hi} THEN ${f(r)}`).join(' ')} END`;
    const within = deltaRuns.map((r) => `t >= ${r.lo} AND t < ${r.hi}`).join(') OR (');
    selects.push(
      `SELECT ${serviceLevel ? 1 : 0} AS v, ${caseOf(uOf)} AS u, ${caseOf(oOf)} AS o, id, count, errors, dur, bins, q FROM ${serviceLevel ? 'svc_delta' : 'span_delta'}
       WHERE ((${within}))${idFilter('id', serviceLevel ? vidList : sidList)}`,
    );
  }
  for (const run of runs) {
    const o = oOf(run);
    const head = (v: boolean, bins: string): string => `SELECT ${v ? 1 : 0} AS v, ${uOf(run)} AS u, ${o} AS o, id, count, errors, dur, ${bins} AS bins, q`;
    const where = (byService: boolean): string => `WHERE t >= ${run.lo} AND t < ${run.hi}${idFilter('id', byService ? vidList : sidList)}`;
    for (const src of p.sourcesOf(run, serviceLevel)) {
      if (skipBins && o === 1) {
        selects.push(`${head(src.byService, 'NULL::VARCHAR')} FROM ${src.table}\n       ${where(src.byService)} AND q IS NOT NULL`);
        selects.push(`${head(src.byService, 'bins')} FROM ${src.table}\n       ${where(src.byService)} AND q IS NULL`);
      } else selects.push(`${head(src.byService, 'bins')} FROM ${src.table}\n       ${where(src.byService)}`);
    }
  }
  return selects;
}
