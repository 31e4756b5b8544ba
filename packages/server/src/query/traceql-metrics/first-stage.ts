import type { MetricsAggregate } from '../traceql/metrics-ast.js';
import type { TraceIndex } from '../traceql/trace-index.js';
import { ExemplarBuckets } from './exemplar-buckets.js';
import type { IntervalMapper, RangeRequest } from './interval-mapper.js';
import { quantileSeries } from './quantile-series.js';
import type { Exemplar, Label, LabelValue, SeriesSet } from './series.js';
import { BUCKET_LABEL, labelsKey, METRIC_NAME, NIL_LABEL } from './series.js';
import { fieldLabel, idLabels, labelValueOf, numericValueOf } from './span-values.js';

interface Group {
  /** The by() labels, nil values left out (and, for histograms, the bucket after them). */
  readonly labels: readonly Label[];
  /** Without the bucket: the series a quantile is read for. */
  readonly base: readonly Label[];
  /** The by() values the span had, which its exemplars carry as Tempo's carry the attributes it fetched. */
  readonly byLabels: readonly Label[];
  readonly bucket: number | null;
  /** Per interval: the count, or the running min/max/sum (NaN before the first span). */
  readonly values: number[];
  /** avg_over_time: the spans the sum holds, per interval. */
  readonly counts: number[];
  readonly exemplars: Exemplar[];
  readonly exemplarRoom: ExemplarBuckets;
}

/**
 * The first stage of a metrics query (Tempo's MetricsAggregate with its step and grouping aggregators, run in one
 * process): each matching span is put in its by() group and its interval, and the group's series computed at the
 * end, as Tempo's query frontend finally answers them (rates per second, quantiles read from power-of-two
 * histograms, averages, exemplars limited per time bucket and then across all series).
 */
export class FirstStage {
  private readonly groups = new Map<string, Group>();
  private readonly histogram: boolean;
  /** True once a span was left out because its series would have gone past `maxSeries`. */
  seriesLimited = false;

  constructor(
    private readonly agg: MetricsAggregate,
    private readonly req: RangeRequest,
    private readonly mapper: IntervalMapper,
    private readonly maxSeries = Number.POSITIVE_INFINITY,
  ) {
    this.histogram = agg.fn === 'quantile_over_time' || agg.fn === 'histogram_over_time';
  }

  /** Counts span `i` of the trace in its series. */
  observe(trace: TraceIndex, i: number): void {
    const interval = this.mapper.interval(trace.spans[i]!.startTimeUnixNano);
    if (interval < 0) return;
    const g = this.groupOf(trace, i);
    if (!g) return;
    switch (this.agg.fn) {
      case 'rate':
      case 'count_over_time':
      case 'quantile_over_time':
      case 'histogram_over_time':
        g.values[interval]!++;
        return;
      case 'min_over_time':
      case 'max_over_time':
      case 'sum_over_time':
      case 'avg_over_time': {
        const v = numericValueOf(this.agg.field!, trace, i).value;
        const cur = g.values[interval]!;
        // As Tempo's minOverTime, maxOverTime, sumOverTime and addIncrementMean: a span without the value (NaN)
        // makes a sum or an average NaN, which the next value then replaces (what came before is lost); min and
        // max pass over it.
        if (this.agg.fn === 'min_over_time') g.values[interval] = Number.isNaN(cur) || v < cur ? v : cur;
        else if (this.agg.fn === 'max_over_time') g.values[interval] = Number.isNaN(cur) || v > cur ? v : cur;
        else if (Number.isNaN(cur) && !Number.isNaN(v)) {
          g.values[interval] = v;
          g.counts[interval] = 1;
        } else {
          g.values[interval] = cur + v;
          g.counts[interval]!++;
        }
      }
    }
  }

  /** Offers span `i` as an exemplar of its series (Tempo takes one span per trace). */
  observeExemplar(trace: TraceIndex, i: number): void {
    const g = this.groupOf(trace, i);
    if (!g || g.exemplarRoom.full()) return;
    const timestampMs = Number(trace.spans[i]!.startTimeUnixNano / 1_000_000n);
    if (!g.exemplarRoom.tryAdd(timestampMs)) return;
    const field = this.agg.field;
    // Counts take their interval's value later; the others show the span's own value.
    const value = field && this.agg.fn !== 'histogram_over_time' ? numericValueOf(field, trace, i).value : Number.NaN;
    const labels: Label[] = [...g.byLabels];
    if (field && field.type === 'attribute') {
      const v = labelValueOf(field, trace, i);
      if (v && !labels.some((l) => l.name === fieldLabel(field))) labels.push({ name: fieldLabel(field), value: v });
    }
    g.exemplars.push({ labels: [...labels, ...idLabels(trace, i)], value, timestampMs });
  }

  /** How many series so far. */
  get size(): number {
    return this.groups.size;
  }

  /** The series as the query frontend finally has them, before second stages. */
  result(): SeriesSet {
    const groups = [...this.groups.values()];
    if (this.agg.fn === 'quantile_over_time') return quantileSeries(groups, this.agg.quantiles ?? [], this.req, this.mapper.count);
    const out: SeriesSet = new Map();
    // The frontend's combiner takes exemplars across all series within one limit per time bucket.
    const room = new ExemplarBuckets(this.req.exemplars, this.req);
    const stepSeconds = Number(this.req.step) / 1e9;
    for (const g of groups) {
      let values = g.values;
      if (this.agg.fn === 'rate') values = values.map((c) => c * (1 / stepSeconds));
      else if (this.agg.fn === 'avg_over_time') values = values.map((s, k) => (g.counts[k] === 0 ? Number.NaN : s / g.counts[k]!));
      const exemplars = g.exemplars.filter((e) => room.tryAdd(e.timestampMs));
      out.set(labelsKey(g.labels), { labels: g.labels, values, exemplars });
    }
    return out;
  }

  private groupOf(trace: TraceIndex, i: number): Group | undefined {
    let bucket: number | null = null;
    if (this.histogram) {
      bucket = numericValueOf(this.agg.field!, trace, i).bucket;
      // Tempo drops a span without a bucket (floats, values under 2) from histograms and quantiles.
      if (bucket === null) return undefined;
    }
    const byValues: Array<LabelValue | null> = this.agg.by.map((f) => labelValueOf(f, trace, i));
    const key = `${bucket ?? ''}\u0002${byValues.map((v) => (v ? labelsKey([{ name: '', value: v }]) : '\u0003')).join('\u0004')}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= this.maxSeries) {
        this.seriesLimited = true;
        return undefined;
      }
      g = this.newGroup(byValues, bucket);
      this.groups.set(key, g);
    }
    return g;
  }

  private newGroup(byValues: ReadonlyArray<LabelValue | null>, bucket: number | null): Group {
    const base: Label[] = [];
    this.agg.byNames.forEach((name, k) => {
      const v = byValues[k];
      if (v) base.push({ name, value: v });
    });
    const labels = [...base];
    if (bucket !== null) labels.push({ name: BUCKET_LABEL, value: { type: 'double', value: bucket } });
    if (labels.length === 0) {
      // Prometheus-style series need a label: Tempo names an ungrouped series after its function, and an all-nil
      // group after its first by() field, valued nil.
      if (this.agg.by.length === 0) labels.push({ name: METRIC_NAME, value: { type: 'string', value: this.agg.fn } });
      else labels.push({ name: this.agg.byNames[0]!, value: NIL_LABEL });
    }
    // Counts start at 0; the others at NaN, so that a step without spans has no value.
    const fromZero = this.agg.fn === 'rate' || this.agg.fn === 'count_over_time' || this.histogram;
    const n = this.mapper.count;
    return {
      labels,
      base: bucket === null ? labels : base,
      byLabels: base,
      bucket,
      values: new Array<number>(n).fill(fromZero ? 0 : Number.NaN),
      counts: new Array<number>(this.agg.fn === 'avg_over_time' ? n : 0).fill(0),
      exemplars: [],
      exemplarRoom: new ExemplarBuckets(this.req.exemplars, this.req),
    };
  }
}

export type { Group as FirstStageGroup };
