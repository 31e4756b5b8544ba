import type { IntervalMapper } from './interval-mapper.js';
import type { Exemplar, Label, LabelValue, SeriesSet } from './series.js';

export interface Sample {
  readonly timestampMs: number;
  readonly value: number;
}

/** A series as the API answers it: samples at their interval's timestamp, oldest first, and exemplars. */
export interface ResponseSeries {
  readonly labels: readonly Label[];
  readonly samples: readonly Sample[];
  readonly exemplars: readonly Exemplar[];
}

/**
 * Tempo's SeriesSet.ToProto, then the frontend's sortResponse and attachExemplars: NaN values are left out, a
 * series without samples is dropped, an exemplar whose interval has no value is dropped and one without a value
 * (counts) takes its interval's. Series are ordered by label count, then by label names and values.
 */
export function responseSeries(set: SeriesSet, mapper: IntervalMapper): ResponseSeries[] {
  const out: ResponseSeries[] = [];
  for (const s of set.values()) {
    const samples: Sample[] = [];
    s.values.forEach((value, i) => {
      if (i < mapper.count && !Number.isNaN(value)) samples.push({ timestampMs: mapper.timestampMs(i), value });
    });
    if (samples.length === 0) continue;
    const exemplars: Exemplar[] = [];
    for (const e of s.exemplars) {
      const i = mapper.intervalMs(e.timestampMs);
      if (i < 0 || i >= s.values.length || Number.isNaN(s.values[i]!)) continue;
      exemplars.push(Number.isNaN(e.value) ? { ...e, value: s.values[i]! } : e);
    }
    exemplars.sort((a, b) => a.timestampMs - b.timestampMs);
    out.push({ labels: s.labels, samples, exemplars });
  }
  return out.sort(compareSeries);
}

function compareSeries(a: ResponseSeries, b: ResponseSeries): number {
  if (a.labels.length !== b.labels.length) return a.labels.length - b.labels.length;
  for (let k = 0; k < a.labels.length; k++) {
    const x = a.labels[k]!;
    const y = b.labels[k]!;
    if (x.name !== y.name) return x.name < y.name ? -1 : 1;
    const tx = protoText(x.value);
    const ty = protoText(y.value);
    if (tx !== ty) return tx < ty ? -1 : 1;
  }
  return 0;
}

/** An AnyValue as gogo/protobuf's String() writes it, which is what Tempo sorts label values by. */
function protoText(v: LabelValue): string {
  switch (v.type) {
    case 'string':
      return `string_value:${JSON.stringify(v.value)}`;
    case 'int':
      return `int_value:${v.value}`;
    case 'double':
      return `double_value:${goFloat(v.value)}`;
    case 'bool':
      return `bool_value:${v.value}`;
    case 'duration':
      return `string_value:"${v.nanos}ns"`;
  }
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64): exponent form below 1e-4 and from 1e6. */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(v);
}
