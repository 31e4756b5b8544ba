import { ExemplarBuckets } from './exemplar-buckets.js';
import type { RangeRequest } from './interval-mapper.js';
import type { HistogramBucket } from './log2-histogram.js';
import { log2Quantile } from './log2-histogram.js';
import type { Exemplar, Label, SeriesSet } from './series.js';
import { labelsKey } from './series.js';

/** A histogram bucket's series: its labels without the bucket, the bucket, a count per interval, its exemplars. */
export interface BucketSeries {
  readonly base: readonly Label[];
  readonly bucket: number | null;
  readonly values: readonly number[];
  readonly exemplars: readonly Exemplar[];
}

/**
 * Tempo's HistogramAggregator.Results: the bucket series of each group are merged into one histogram per interval,
 * and each quantile read from it (0 for an interval without spans) as a series labelled `p`. Each exemplar goes to
 * the quantile whose value over the whole range and all series is closest to its own.
 */
export function quantileSeries(buckets: readonly BucketSeries[], qs: readonly number[], req: RangeRequest, intervals: number): SeriesSet {
  const groups = new Map<string, { base: readonly Label[]; hist: Map<number, number>[]; exemplars: Exemplar[]; room: ExemplarBuckets }>();
  const overall = new Map<number, number>();
  for (const b of buckets) {
    if (b.bucket === null) continue;
    const key = labelsKey(b.base);
    let g = groups.get(key);
    if (!g) {
      g = { base: b.base, hist: Array.from({ length: intervals }, () => new Map()), exemplars: [], room: new ExemplarBuckets(req.exemplars, req) };
      groups.set(key, g);
    }
    b.values.forEach((count, i) => {
      if (count === 0) return;
      g.hist[i]!.set(b.bucket!, (g.hist[i]!.get(b.bucket!) ?? 0) + count);
      overall.set(b.bucket!, (overall.get(b.bucket!) ?? 0) + count);
    });
    for (const e of b.exemplars) if (g.room.tryAdd(e.timestampMs)) g.exemplars.push(e);
  }
  const sorted = (m: Map<number, number>): HistogramBucket[] => [...m].map(([max, count]) => ({ max, count })).sort((a, b) => a.max - b.max);
  const all = sorted(overall);
  const qValues = qs.map((q) => log2Quantile(q, all));
  const out: SeriesSet = new Map();
  for (const g of groups.values()) {
    const perInterval = g.hist.map(sorted);
    qs.forEach((q, qi) => {
      const labels: Label[] = [...g.base, { name: 'p', value: { type: 'double', value: q } }];
      const values = perInterval.map((h) => (h.length === 0 ? 0 : log2Quantile(q, h)));
      const exemplars = g.exemplars.filter((e) => closest(e.value, qValues) === qi);
      out.set(labelsKey(labels), { labels, values, exemplars });
    });
  }
  return out;
}

function closest(value: number, qValues: readonly number[]): number {
  let best = -1;
  let bestDiff = Number.POSITIVE_INFINITY;
  qValues.forEach((v, i) => {
    const diff = Math.abs(value - v);
    if (diff < bestDiff) {
      bestDiff = diff;
      best = i;
    }
  });
  return best;
}
