import type { SecondStage } from '../traceql/metrics-ast.js';
import type { Series, SeriesSet } from './series.js';
import { labelValueText } from './series.js';

/** Runs second stages in order over the series (Tempo's TopKBottomK and MetricsFilter `process`). */
export function applySecondStages(input: SeriesSet, stages: readonly SecondStage[], intervals: number): SeriesSet {
  let set = input;
  for (const s of stages) set = s.type === 'filter' ? filterSeries(set, s.op, s.value) : topOrBottom(set, s.type, s.limit, intervals);
  return set;
}

/**
 * At each interval, keeps the value of the `limit` series with the highest (topk) or lowest (bottomk) value there,
 * ties going to the series whose label values sort first; the other values become NaN (left out of the answer).
 * A set no larger than the limit is returned as it is.
 */
export function topOrBottom(input: SeriesSet, kind: 'topk' | 'bottomk', limit: number, intervals: number): SeriesSet {
  if (input.size <= limit) return input;
  const entries = [...input];
  const out: SeriesSet = new Map();
  for (let i = 0; i < intervals; i++) {
    const candidates = entries
      .filter(([, s]) => i < s.values.length && !Number.isNaN(s.values[i]!))
      .sort(([, a], [, b]) => {
        const va = a.values[i]!;
        const vb = b.values[i]!;
        if (va !== vb) return kind === 'topk' ? vb - va : va - vb;
        return compareLabelValues(a, b);
      })
      .slice(0, limit);
    for (const [key, s] of candidates) {
      let kept = out.get(key);
      if (!kept) {
        kept = { labels: s.labels, values: new Array<number>(intervals).fill(Number.NaN), exemplars: s.exemplars };
        out.set(key, kept);
      }
      kept.values[i] = s.values[i]!;
    }
  }
  return out;
}

// Tempo's compareSeriesMapKey: label values in order, alphabetically earlier first.
function compareLabelValues(a: Series, b: Series): number {
  const n = Math.max(a.labels.length, b.labels.length);
  for (let k = 0; k < n; k++) {
    const x = a.labels[k] ? labelValueText(a.labels[k]!.value).slice(2) : '';
    const y = b.labels[k] ? labelValueText(b.labels[k]!.value).slice(2) : '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const COMPARE: Record<string, (v: number, x: number) => boolean> = {
  '>': (v, x) => v > x,
  '>=': (v, x) => v >= x,
  '<': (v, x) => v < x,
  '<=': (v, x) => v <= x,
  '=': (v, x) => v === x,
  '!=': (v, x) => v !== x,
};

/** Keeps the points passing `value op x` (the others become NaN), and the series with any left. */
export function filterSeries(input: SeriesSet, op: string, x: number): SeriesSet {
  const passes = COMPARE[op]!;
  const out: SeriesSet = new Map();
  for (const [key, s] of input) {
    const values = s.values.map((v) => (Number.isNaN(v) || !passes(v, x) ? Number.NaN : v));
    if (values.every((v) => Number.isNaN(v))) continue;
    out.set(key, { labels: s.labels, values, exemplars: s.exemplars.filter((e) => !Number.isNaN(e.value) && passes(e.value, x)) });
  }
  return out;
}
