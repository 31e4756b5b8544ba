import { fieldText } from '../traceql/ast-text.js';
import { evalField } from '../traceql/field-eval.js';
import type { MetricsField } from '../traceql/metrics-ast.js';
import type { TraceIndex } from '../traceql/trace-index.js';
import { log2Bucketize } from './log2-histogram.js';
import type { Label, LabelValue } from './series.js';

const NANOS_PER_SECOND = 1e9;

/** The label name Tempo gives a by() field or an exemplar attribute (Attribute.String). */
export const fieldLabel = (f: MetricsField): string => fieldText(f);

/** Durations among the intrinsics: Tempo types them as durations, not ints. */
const isDuration = (f: MetricsField): boolean => f.type === 'intrinsic' && (f.name === 'duration' || f.name === 'traceDuration');

/** A span's value of a by() field as a typed label value; null when the span has none (nil). */
export function labelValueOf(f: MetricsField, trace: TraceIndex, i: number): LabelValue | null {
  const v = evalField(f, trace, i);
  switch (v.k) {
    case 'str':
    case 'status':
    case 'kind':
      return { type: 'string', value: v.s };
    case 'bool':
      return { type: 'bool', value: v.b };
    case 'num':
      if (v.i !== undefined) return isDuration(f) ? { type: 'duration', nanos: v.i } : { type: 'int', value: v.i };
      return { type: 'double', value: v.n };
    default:
      return null;
  }
}

/**
 * What a metrics function reads from a span's field (Tempo's FloatizeAttribute and bucketize functions): the value
 * aggregated (span duration in seconds; other numbers as they are; NaN without one), and the histogram bucket
 * (`duration` and other durations: the power of two of the nanoseconds, in seconds; ints: the power of two; null
 * for floats, values under 2 and anything else, which Tempo leaves out of histograms).
 */
export function numericValueOf(f: MetricsField, trace: TraceIndex, i: number): { value: number; bucket: number | null } {
  if (f.type === 'intrinsic' && f.name === 'duration') {
    const nanos = trace.spanDuration(i);
    return { value: Number(nanos) / NANOS_PER_SECOND, bucket: nanos < 2n ? null : log2Bucketize(nanos) / NANOS_PER_SECOND };
  }
  const v = evalField(f, trace, i);
  if (v.k !== 'num') return { value: Number.NaN, bucket: null };
  if (v.i === undefined) return { value: v.n, bucket: null };
  if (v.i < 2n) return { value: v.n, bucket: null };
  return { value: v.n, bucket: isDuration(f) ? log2Bucketize(v.i) / NANOS_PER_SECOND : log2Bucketize(v.i) };
}

/** Tempo's hex ids in exemplar labels: trace ids without leading zeros, span ids padded to 16 digits. */
export function idLabels(trace: TraceIndex, i: number): Label[] {
  const span = trace.spans[i]!;
  const traceId = span.traceId.replace(/^0+/, '');
  return [
    { name: 'trace:id', value: { type: 'string', value: traceId } },
    { name: 'span:id', value: { type: 'string', value: span.spanId } },
  ];
}
