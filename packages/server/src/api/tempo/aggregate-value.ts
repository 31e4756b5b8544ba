import type { OtlpJsonAnyValue } from '@clew/codecs';
import type { AggregateType } from '../../query/traceql/index.js';
import { formatGoDuration } from './go-duration.js';

/** `avg(duration)`, `max(traceDuration)`: an aggregate of a duration intrinsic, as the engine names it (Tempo's text). */
const OF_DURATION = /^(avg|min|max|sum)\((duration|traceDuration)\)$/;

/**
 * An aggregate's value as Tempo writes it in a spanset's attributes (traceql.Static.AsAnyValue): count() an int,
 * an aggregate of a duration intrinsic a Go duration string (avg truncated to whole nanoseconds, as Go's Duration
 * division does), avg() of anything else a double, min/max/sum the type of the values. The engine gives the
 * static type with the value; without it the name says the aggregate and, for a bare intrinsic, its field, and for
 * min/max/sum of an attribute a whole number is written as an int.
 * @example aggregateValueJson('avg(duration)', 70_400_000.5) // { stringValue: '70.4ms' }
 */
export function aggregateValueJson(name: string, value: number, type?: AggregateType): OtlpJsonAnyValue {
  // The engine's static type, when given, decides: a sum or max of double attributes that is whole stays a double.
  if (type === 'duration' && Number.isFinite(value)) return { stringValue: formatGoDuration(BigInt(Math.trunc(value))) };
  if (type === 'int' && Number.isSafeInteger(value)) return { intValue: String(value) };
  if (type === 'float') return { doubleValue: value };
  const duration = OF_DURATION.exec(name);
  if (duration !== null && Number.isFinite(value)) return { stringValue: formatGoDuration(BigInt(Math.trunc(value))) };
  if (name === 'count()' || (!name.startsWith('avg(') && Number.isInteger(value))) return { intValue: String(value) };
  return { doubleValue: value };
}
