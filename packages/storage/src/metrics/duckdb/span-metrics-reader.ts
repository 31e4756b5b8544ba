import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import type { LatencyBins, Tenant } from '@clew/model';
import { EMPTY_LATENCY_BINS } from '@clew/model';
import type { SpanMetricsPoint, SpanMetricsQuery } from '../metrics-store.js';
import { latencyQuantiles } from '@clew/analysis';
import { BinsAccumulator, sumNext } from './bins-accumulator.js';
import { BinsReader, binsOf, StoredBins, SUMMARY_QUANTILES } from './bins-codec.js';
import type { ClosedPeriodCache, PeriodEntry, PeriodGroup, ShapeEntries, SpanGroup } from './closed-period-cache.js';
import { entryBytes, periodKey } from './closed-period-cache.js';
import type { Grouping, GroupingCache } from './query-grouping.js';
import { groupingOf, groupOf } from './query-grouping.js';
import type { DeltaMinutes } from './delta-minutes.js';
import { forEachChunk } from './read-chunks.js';
import type { Run, SourcesOf, StatementPlan } from './read-statement.js';
import { readStatement } from './read-statement.js';
import type { SeriesDictionary } from './series-dictionary.js';
import type { RolledTier, TierSegment } from './tier-plan.js';
import { planSegments } from './tier-plan.js';

/**
 * What a read may keep for the next: merged closed periods (`periods`, when on; minutes before `closedBefore` are
 * closed) and the groupings of recent query shapes.
 */
export interface ReadCaches {
  readonly periods: ClosedPeriodCache | undefined;
  readonly closedBefore: number;
  readonly groupings: GroupingCache;
}

/**
 * Sums of one group in one period or bucket. Most take a single bins (one stored row, or one period in a bucket),
 * kept as it is: an accumulator is made for the second only.
 */
class Cell {
  count = 0;
  errors = 0;
  dur = 0;
  private single: LatencyBins | StoredBins | null = null;
  private acc: BinsAccumulator | null = null;

  constructor(readonly group: number) {}

  addBins(bins: LatencyBins | StoredBins): void {
    if (this.acc) this.acc.addBins(bins);
    else if (this.single === null) this.single = bins;
    else {
      this.acc = new BinsAccumulator();
      this.acc.addBins(this.single);
      this.acc.addBins(bins);
      this.single = null;
    }
  }

  /** Adds a period's sums. */
  add(pg: PeriodGroup): this {
    this.count += pg.count;
    this.errors += pg.errors;
    this.dur += pg.dur;
    this.addBins(pg.latency);
    return this;
  }

  /** Adds the next `n` bins of a concatenation. */
  addFrom(reader: BinsReader, n: number): void {
    if (n > 0) this.addBins(sumNext(reader, n));
  }

  /** The bins as added: one stored row kept as it was read, or the sum. */
  latency(): LatencyBins | StoredBins {
    return this.acc ? this.acc.build() : (this.single ?? EMPTY_LATENCY_BINS);
  }
}

/**
 * Latency at each of `qs`: from the quantiles a lone stored row kept when it kept these, else read from the bins (as
 * `latencyQuantile` reads them (latencyQuantiles), which is how the kept ones were computed).
 */
function quantilesOf(latency: LatencyBins | StoredBins, qs: readonly number[], kept: readonly number[] | undefined): number[] {
  if (kept !== undefined && latency instanceof StoredBins && latency.summary !== undefined) {
    const summary = latency.summary;
    return kept.map((i) => summary[i]!);
  }
  const bins = binsOf(latency);
  return latencyQuantiles(bins, qs);
}

/** A period of a tier the read answers from the cache (`entry`) or reads and then caches. */
interface Period {
  readonly period: number;
  readonly start: number;
  readonly entry: PeriodEntry | undefined;
}

const MINUTE = 60_000;
/** Past this many runs to read (a window with many evicted periods), a read ignores its cache hits. */
const MAX_RUNS = 32;
/**
 * A plan with more minutes than this (a day of 1-minute points) reads them without caching them: an SLO's 3 days of
 * minutes, cached one entry a minute, cost half as much again as reading them (the retained entries' GC), and read
 * uncached they cost ~10 ms; its hours and quarters are still cached.
 */
const MAX_CACHED_MINUTES = 1440;

/** Minutes [from, to) of a query in epoch milliseconds: a minute counts when its start is inside the window. */
export function queryMinutes(from: number, to: number): [number, number] {
  return [Math.ceil(from / MINUTE), Math.ceil(to / MINUTE)];
}

export function stepMinutes(step: number | undefined): number | undefined {
  if (step === undefined) return undefined;
  if (!(step > 0) || step % MINUTE !== 0) throw new RangeError(`span metrics step ${step} ms is not a positive whole number of minutes`);
  return step / MINUTE;
}

const sortedList = (v: readonly (string | number)[] | undefined): string => (v ? JSON.stringify([...v].sort()) : '*');

/**
 * Reads one tenant's span metrics (only its series ids are read): picks the tiers (planSegments) and tables
 * (`sourcesOf`), selects their rows in one statement (the caller holds the store's read lock across both, so the
 * tables planned are the tables read), adds up counts per series and bucket in SQL, and merges bins and series into
 * groups in JavaScript, where merging bins is an array index per bin.
 *
 * With a cache, each closed period of the plan (an hour, a quarter, a minute, before `closedBefore`) is looked up
 * per query shape (tenant, filters, grouping): periods found are not read, and periods read are merged per group and
 * cached, so a window that moves by a minute reads about a minute.
 */
export async function readSpanMetrics(
  conn: DuckDBConnection,
  tenant: Tenant,
  q: SpanMetricsQuery,
  dict: SeriesDictionary,
  tiers: readonly RolledTier[],
  sourcesOf: SourcesOf,
  deltas: DeltaMinutes | null,
  afterPlan?: () => Promise<void>,
  caches?: ReadCaches,
): Promise<SpanMetricsPoint[]> {
  const [fromT, toT] = queryMinutes(q.from, q.to);
  const qs = q.quantiles;
  // The positions of the quantiles asked for among those stored rows keep, when rows keep them all.
  const kept = qs?.every((x) => SUMMARY_QUANTILES.includes(x)) ? qs.map((x) => SUMMARY_QUANTILES.indexOf(x)) : undefined;
  const stepT = stepMinutes(q.step);
  if (toT <= fromT) return [];
  const byService = q.groupBy.includes('service');
  const byOperation = q.groupBy.includes('operation');
  const byKind = q.groupBy.includes('kind');
  const serviceLevel = !q.operations && !byOperation;
  const base = caches && JSON.stringify([tenant, serviceLevel, sortedList(q.services), sortedList(q.operations), sortedList(q.kinds), byService, byOperation, byKind]);
  const grouping = base === undefined ? groupingOf(tenant, q, dict) : caches!.groupings.get(base, tenant, q, dict);
  if (grouping.empty) return [];
  const { groups, keys: groupKeys, sidGroup, vidGroup, sidList, vidList } = grouping;
  // What the rows must hand over of their latency: nothing for counts only; for quantiles rows keep, nothing beside
  // them when a lone row is a whole point, which holds when each group is one series and each bucket one period of
  // the tier read (the step is that period). Reads that leave bins out cache apart from the rest (`shape`), per step.
  const countsOnly = qs !== undefined && qs.length === 0;
  const summaryOnly = !countsOnly && kept !== undefined && stepT !== undefined && oneIdPerGroup(grouping);
  const shape = base === undefined ? undefined : countsOnly ? `${base}#counts` : summaryOnly ? `${base}#q${stepT}` : base;

  const segments = planSegments(fromT, toT, stepT, serviceLevel ? tiers : tiers.filter((t) => !t.serviceLevel));
  const periodCache = caches?.periods;
  const version = periodCache?.begin(caches!.closedBefore) ?? 0;
  const cached = shape === undefined ? undefined : periodCache?.shape(shape);
  let plan = planPeriods(segments, caches, cached, true);
  if (plan.runs.length > MAX_RUNS) plan = planPeriods(segments, caches, cached, false);
  const { periods, runs } = plan;
  const periodIndex = new Map<number, number>();
  periods.forEach((p, i) => p.entry === undefined && periodIndex.set(p.start, i));

  const firstBucket = stepT === undefined ? 0 : Math.floor(fromT / stepT);
  const buckets = stepT === undefined ? 1 : Math.floor((toT - 1) / stepT) - firstBucket + 1;
  const bucketOf = (t: number): number => (stepT === undefined ? 0 : Math.floor(t / stepT) - firstBucket);
  const periodCells = new Map<number, Cell>();
  const bucketCells = new Map<number, Cell>();
  const cellIn = (cells: Map<number, Cell>, key: number, group: number): Cell => {
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = new Cell(group)));
    return cell;
  };
  const statement: StatementPlan = { runs, stepT, firstBucket, serviceLevel, vidList, sidList, sourcesOf, deltas, summaryOnly, countsOnly, quantiles: qs !== undefined };
  // The tables are planned here, before the hook; the read lock keeps them until the last row.
  const firstTry = readStatement(statement, summaryOnly);
  await afterPlan?.();
  // No tables and no deltas to read (a window before any data): nothing to run.
  if (firstTry !== undefined) {
    const nPeriods = periods.length;
    let missing = false;
    const consume = (chunk: DuckDBDataChunk): void => {
      if (missing) return;
      const [v, ids, text] = [0, 1, 2].map((i) => chunk.getColumnVector(i));
      for (let i = 0; i < chunk.rowCount; i++) {
        const id = ids!.getItem(i) as number;
        const group = v!.getItem(i) === 1 ? vidGroup[id] : sidGroup[id];
        if (!(group! >= 0)) continue; // not matched (the id filter is a range), or committed after this query was planned
        const series = text!.getItem(i) as string;
        const reader = new BinsReader(series);
        while (!reader.done) {
          const u = reader.decimal();
          const cell = u >= 0 ? cellIn(periodCells, group! * nPeriods + periodIndex.get(u)!, group!) : cellIn(bucketCells, group! * buckets - 1 - u, group!);
          cell.count += reader.decimal();
          cell.errors += reader.decimal();
          cell.dur += reader.decimal();
          const n = reader.decimal();
          const { summary, bins, chars, unread } = reader.optionalSummary();
          if (unread) {
            missing = true;
            return;
          }
          if (!bins) {
            // Counts only, or a whole point's quantiles without its bins.
            if (summary !== undefined) cell.addBins(new StoredBins(null, 0, 0, summary));
          } else if (chars !== undefined) {
            // One row's bins (and the quantiles it kept, if any), stepped over by their length: they are decoded
            // only if nothing else answers (see StoredBins), and merged from the text when they meet another's.
            cell.addBins(new StoredBins(series, reader.pos, chars, summary));
            reader.pos += chars;
          } else cell.addFrom(reader, n); // several rows' bins, added up in SQL (';': no summary, no length)
        }
      }
    };
    await forEachChunk(conn, firstTry, [], consume);
    if (missing) {
      missing = false;
      periodCells.clear();
      bucketCells.clear();
      await forEachChunk(conn, readStatement(statement, false)!, [], consume);
    }
  }

  // Periods read: merged per group, cached when closed.
  const read: (PeriodGroup[] | undefined)[] = [];
  for (const [key, c] of periodCells) {
    const p = key % periods.length;
    (read[p] ??= []).push({ key: groupKeys[c.group]!, group: groups[c.group]!, count: c.count, errors: c.errors, dur: c.dur, latency: c.latency() });
  }
  // Each query bucket: its periods (cached or read) and the rows read for it directly. A bucket of one period
  // takes the period's sums as they are (a 15-minute series of cached quarters allocates nothing per point here).
  const merged = new Map<number, Cell | PeriodGroup>(bucketCells);
  periods.forEach((p, i) => {
    let pgs = p.entry?.groups;
    if (!pgs) {
      pgs = read[i] ?? [];
      if (shape !== undefined) {
        periodCache!.put(shape, periodKey(p.period, p.start), { tenant, lo: p.start, hi: p.start + p.period, groups: pgs, bytes: entryBytes(pgs) }, version);
      }
    }
    const b = bucketOf(p.start);
    for (const pg of pgs) {
      const g = groupOf(grouping, pg.key, pg.group);
      const key = g * buckets + b;
      const was = merged.get(key);
      if (was === undefined) {
        merged.set(key, pg);
        continue;
      }
      let cell: Cell;
      if (was instanceof Cell) cell = was;
      else merged.set(key, (cell = new Cell(g).add(was)));
      cell.add(pg);
    }
  });
  const points: SpanMetricsPoint[] = [];
  const point = (key: number, c: Cell | PeriodGroup): void => {
    const g = Math.floor(key / buckets);
    const t = stepT === undefined ? q.from : (key - g * buckets + firstBucket) * stepT * MINUTE;
    const latency = c instanceof Cell ? c.latency() : c.latency;
    points.push(
      qs === undefined
        ? { t, ...groups[g], count: c.count, errors: c.errors, durationSumNanos: c.dur, latency: binsOf(latency) }
        : { t, ...groups[g], count: c.count, errors: c.errors, durationSumNanos: c.dur, latency: EMPTY_LATENCY_BINS, quantiles: quantilesOf(latency, qs, kept) },
    );
  };
  const order = sortedGroups(grouping);
  if (buckets * order.length <= 4 * merged.size + 1024) {
    // Mostly full: bucket by bucket, groups in order, is the order of the points (sorting 19,400 points of a service
    // page by their names cost more).
    for (let b = 0; b < buckets; b++) {
      for (const g of order) {
        const c = merged.get(g * buckets + b);
        if (c) point(g * buckets + b, c);
      }
    }
    return points;
  }
  for (const [key, c] of merged) point(key, c);
  return points.sort(byPoint);
}

/** Whether no group takes more than one of the series (or service series) the query reads. */
function oneIdPerGroup(g: Grouping): boolean {
  if (g.oneIdPerGroup === undefined) {
    const ids = g.serviceLevel ? g.vidGroup : g.sidGroup;
    const seen = new Uint8Array(g.groups.length);
    let one = true;
    for (let i = 0; i < ids.length && one; i++) {
      const group = ids[i]!;
      if (group < 0) continue;
      if (seen[group] === 1) one = false;
      seen[group] = 1;
    }
    g.oneIdPerGroup = one;
  }
  return g.oneIdPerGroup;
}

/** The grouping's groups in the points' order (service, operation, kind), kept with it. */
function sortedGroups(g: Grouping): readonly number[] {
  if (g.order.length !== g.groups.length) {
    g.order = g.groups.map((_, i) => i).sort((a, b) => byGroup(g.groups[a]!, g.groups[b]!));
  }
  return g.order;
}

/**
 * The plan's closed periods (each looked up in the cache unless `useHits` is false) and the runs of minutes left
 * to read: a run per stretch of periods to read and cache, and per stretch not closed yet (read per bucket). With
 * no cache, one run per segment, read per bucket.
 */
function planPeriods(
  segments: readonly TierSegment[],
  caches: ReadCaches | undefined,
  cached: ShapeEntries | undefined,
  useHits: boolean,
): { periods: Period[]; runs: Run[] } {
  const periods: Period[] = [];
  const runs: Run[] = [];
  let minutes = 0;
  for (const seg of segments) if (seg.period === 1) minutes += seg.hi - seg.lo;
  const extend = (period: number, lo: number, hi: number, perPeriod: boolean): void => {
    const last = runs[runs.length - 1];
    if (last && last.hi === lo && last.period === period && last.perPeriod === perPeriod) last.hi = hi;
    else runs.push({ period, lo, hi, perPeriod });
  };
  for (const seg of segments) {
    if (cached === undefined || !caches || (seg.period === 1 && minutes > MAX_CACHED_MINUTES)) {
      extend(seg.period, seg.lo, seg.hi, false);
      continue;
    }
    for (let s = seg.lo; s < seg.hi; s += seg.period) {
      const e = s + seg.period;
      if (e > caches.closedBefore) {
        extend(seg.period, s, seg.hi, false);
        break;
      }
      const entry = useHits ? caches.periods!.get(cached, periodKey(seg.period, s)) : undefined;
      periods.push({ period: seg.period, start: s, entry });
      if (!entry) extend(seg.period, s, e, true);
    }
  }
  return { periods, runs };
}

const cmp = (a: string | number | undefined, b: string | number | undefined): number =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;

const byGroup = (a: SpanGroup, b: SpanGroup): number => cmp(a.service, b.service) || cmp(a.operation, b.operation) || cmp(a.kind, b.kind);

const byPoint = (a: SpanMetricsPoint, b: SpanMetricsPoint): number => a.t - b.t || byGroup(a, b);
