import type { MathOp } from '../traceql/metrics-ast.js';
import type { Exemplar, Label, SeriesSet } from './series.js';
import { labelsKey, METRIC_NAME, seriesMapKey } from './series.js';

/** Tempo's applyArithmeticOp: division by zero is NaN, not Infinity. */
export function arithmetic(op: MathOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? Number.NaN : a / b;
  }
}

/**
 * Tempo's applyBinaryOp: series meet by their labels (the metric name aside); an ungrouped side (only a metric
 * name) meets every series of the other. Series without a partner are dropped. Metric names combine as
 * `(rate / count_over_time)`.
 */
export function seriesMath(op: MathOp, lhs: SeriesSet, rhs: SeriesSet): SeriesSet {
  const byKey = (set: SeriesSet) => new Map([...set.values()].map((s) => [seriesMapKey(s.labels), s]));
  const l = byKey(lhs);
  const r = byKey(rhs);
  const target = r.has('') ? l : r;
  const out: SeriesSet = new Map();
  for (const key of target.keys()) {
    const a = l.get(key) ?? l.get('');
    const b = r.get(key) ?? r.get('');
    if (!a || !b) continue;
    const aFan = !l.has(key);
    const bFan = !r.has(key);
    const exemplars: Exemplar[] = aFan === bFan ? [...a.exemplars, ...b.exemplars] : aFan ? [...b.exemplars] : [...a.exemplars];
    const n = Math.min(a.values.length, b.values.length);
    const values = Array.from({ length: n }, (_, j) => arithmetic(op, a.values[j]!, b.values[j]!));
    const labels = mergeLabels(op, a.labels, b.labels);
    out.set(labelsKey(labels), { labels, values, exemplars });
  }
  return out;
}

function mergeLabels(op: MathOp, l: readonly Label[], r: readonly Label[]): Label[] {
  const out = [...l];
  for (const label of r) if (label.name !== METRIC_NAME && !l.some((x) => x.name === label.name)) out.push(label);
  const ln = l.find((x) => x.name === METRIC_NAME)?.value;
  const rn = r.find((x) => x.name === METRIC_NAME)?.value;
  const at = out.findIndex((x) => x.name === METRIC_NAME);
  if (at < 0) return out;
  if (ln?.type !== 'string' || rn?.type !== 'string') {
    // Go's swap-remove: the last label takes the metric name's place.
    out[at] = out[out.length - 1]!;
    out.pop();
    return out;
  }
  out[at] = { name: METRIC_NAME, value: { type: 'string', value: `(${ln.value} ${op} ${rn.value})` } };
  return out;
}

/** Tempo's MetricsScalarOp: every value and exemplar value combined with the number. */
export function scalarMath(op: MathOp, scalar: number, scalarFirst: boolean, input: SeriesSet): SeriesSet {
  const f = (v: number) => (scalarFirst ? arithmetic(op, scalar, v) : arithmetic(op, v, scalar));
  const out: SeriesSet = new Map();
  for (const [key, s] of input) out.set(key, { labels: s.labels, values: s.values.map(f), exemplars: s.exemplars.map((e) => ({ ...e, value: f(e.value) })) });
  return out;
}
