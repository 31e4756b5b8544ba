import type { AnyValue } from '@clew/model';
import { anyValueToString, SpanKind } from '@clew/model';
import { evalField, isTrue, STATUS_TEXT } from '../traceql/field-eval.js';
import type { CompareArgs } from '../traceql/metrics-ast.js';
import type { TraceIndex } from '../traceql/trace-index.js';
import type { IntervalMapper } from './interval-mapper.js';
import type { Label, LabelValue, SeriesSet } from './series.js';
import { labelsKey, labelValueText, NIL_LABEL } from './series.js';

/** The label naming a compare() series' kind, and its values (Tempo's internalLabelMetaType and meta types). */
export const META_TYPE = '__meta_type';
export const META_ERROR = '__meta_error';
export const TOO_MANY_VALUES = '__too_many_values__';
type Side = 'baseline' | 'selection';

const KIND_TEXT: Record<number, string> = {
  [SpanKind.UNSPECIFIED]: 'unspecified',
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** An attribute value as a typed label value (Static.AsAnyValue): numbers and booleans keep their type, the rest is text. */
function labelValue(v: AnyValue): LabelValue {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: v.value };
    case 'int':
      return { type: 'int', value: v.value };
    case 'double':
      return { type: 'double', value: v.value };
    case 'bool':
      return { type: 'bool', value: v.value };
    default:
      return { type: 'string', value: anyValueToString(v) };
  }
}

const text = (value: string): LabelValue => ({ type: 'string', value });

/**
 * Every attribute of span `i` that compare() groups by, named as Tempo's Attribute.String names them, in the order
 * of vParquet's AllAttributesFunc: the trace's (rootName, rootServiceName), the resource's, the instrumentation
 * scope's, the span's own intrinsics (name, kind, status, statusMessage) and attributes, its events' and links'.
 * Durations, ids and times are left out, as Tempo leaves them out of select-all and of compare().
 */
export function compareAttributes(trace: TraceIndex, i: number, cb: (name: string, value: LabelValue) => void): void {
  const s = trace.spans[i]!;
  if (trace.rootName !== undefined) cb('rootName', text(trace.rootName));
  if (trace.rootServiceName !== undefined) cb('rootServiceName', text(trace.rootServiceName));
  for (const kv of s.resource.attributes) cb(`resource.${kv.key}`, labelValue(kv.value));
  if (s.scope.name) cb('instrumentation:name', text(s.scope.name));
  if (s.scope.version) cb('instrumentation:version', text(s.scope.version));
  for (const kv of s.scope.attributes) cb(`instrumentation.${kv.key}`, labelValue(kv.value));
  cb('name', text(s.name));
  cb('kind', text(KIND_TEXT[s.kind] ?? 'unspecified'));
  cb('status', text(STATUS_TEXT[s.status.code] ?? 'unset'));
  if (s.status.message) cb('statusMessage', text(s.status.message));
  for (const kv of s.attributes) cb(`span.${kv.key}`, labelValue(kv.value));
  for (const e of s.events) {
    cb('event:name', text(e.name));
    for (const kv of e.attributes) cb(`event.${kv.key}`, labelValue(kv.value));
  }
  for (const l of s.links) for (const kv of l.attributes) cb(`link.${kv.key}`, labelValue(kv.value));
}

interface ValueCounts {
  readonly value: LabelValue;
  readonly counts: number[];
}

/**
 * compare() (Tempo's MetricsCompare with its BaselineAggregator, in one process): every span the pipeline matched
 * is in the selection when it starts inside compare()'s window (if one was given) and meets its filter, else in the
 * baseline; each attribute value of the span is counted per interval on its side, with a total per attribute. The
 * answer has, per side, the top N values of each attribute by their sum over the range (`__meta_type` baseline or
 * selection, the attribute as the second label), the totals (`baseline_total`, `selection_total`, the attribute
 * valued nil), and an error series (`__meta_error="__too_many_values__"`) for each attribute that had more values
 * than N on either side.
 */
export class CompareStage {
  private readonly values = { baseline: new Map<string, Map<string, ValueCounts>>(), selection: new Map<string, Map<string, ValueCounts>>() };
  private readonly totals = { baseline: new Map<string, number[]>(), selection: new Map<string, number[]>() };
  /** compare() keeps every value until the end, as Tempo does; never limited here. */
  readonly seriesLimited = false;

  constructor(
    private readonly args: CompareArgs,
    private readonly mapper: IntervalMapper,
  ) {}

  /** Whether span `i` is in the selection (MetricsCompare.isSelection): inside (start, end] when given, and the filter holds. */
  isSelection(trace: TraceIndex, i: number): boolean {
    const { start, end, filter } = this.args;
    if (start > 0n && end > 0n) {
      const st = trace.spans[i]!.startTimeUnixNano;
      if (!(st > start && st <= end)) return false;
    }
    return filter === null || isTrue(evalField(filter, trace, i));
  }

  /** Counts every attribute value of span `i` in its side's series, at its interval. */
  observe(trace: TraceIndex, i: number): void {
    const interval = this.mapper.interval(trace.spans[i]!.startTimeUnixNano);
    if (interval < 0) return;
    const side: Side = this.isSelection(trace, i) ? 'selection' : 'baseline';
    const values = this.values[side];
    const totals = this.totals[side];
    compareAttributes(trace, i, (name, value) => {
      let byValue = values.get(name);
      if (!byValue) values.set(name, (byValue = new Map()));
      const key = labelValueText(value);
      let vc = byValue.get(key);
      if (!vc) byValue.set(key, (vc = { value, counts: new Array<number>(this.mapper.count).fill(0) }));
      vc.counts[interval]!++;
      let t = totals.get(name);
      if (!t) totals.set(name, (t = new Array<number>(this.mapper.count).fill(0)));
      t[interval]!++;
    });
  }

  /** Tempo's compare() attaches no exemplars of its own to a by-value series; Clew attaches none. */
  observeExemplar(): void {}

  /** The series, as the query frontend's BaselineAggregator finally has them. */
  result(): SeriesSet {
    const out: SeriesSet = new Map();
    const add = (labels: Label[], values: number[]): void => {
      out.set(labelsKey(labels), { labels, values, exemplars: [] });
    };
    const maxed = new Set<string>();
    for (const side of ['baseline', 'selection'] as const) {
      const meta: Label = { name: META_TYPE, value: text(side) };
      for (const [name, byValue] of this.values[side]) {
        if (byValue.size > this.args.topN) maxed.add(name);
        for (const vc of topValues([...byValue.values()], this.args.topN)) add([meta, { name, value: vc.value }], vc.counts);
      }
    }
    for (const side of ['baseline', 'selection'] as const) {
      const meta: Label = { name: META_TYPE, value: text(`${side}_total`) };
      for (const [name, counts] of this.totals[side]) add([meta, { name, value: NIL_LABEL }], counts);
    }
    for (const name of maxed) add([{ name: META_ERROR, value: text(TOO_MANY_VALUES) }, { name, value: NIL_LABEL }], []);
    return out;
  }
}

/** The `n` values with the largest sums over the range (Tempo's topN); ties, which Tempo leaves to its sort, by value. */
function topValues(all: ValueCounts[], n: number): ValueCounts[] {
  if (all.length <= n) return all;
  const sums = new Map(all.map((v) => [v, v.counts.reduce((a, b) => a + b, 0)]));
  return [...all]
    .sort((a, b) => sums.get(b)! - sums.get(a)! || (labelValueText(a.value) < labelValueText(b.value) ? -1 : 1))
    .slice(0, n);
}
