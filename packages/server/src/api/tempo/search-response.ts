import type { OtlpJsonAnyValue } from '@clew/codecs';
import { anyValueJson } from '@clew/codecs';
import type { TraceQLSearchResult, TraceQLSpanSet, TraceQLTraceMatch } from '../../query/traceql/index.js';
import { aggregateValueJson } from './aggregate-value.js';
import { tempoTraceIdHex } from './trace-id.js';

const NANOS_PER_MILLI = 1_000_000n;

interface KeyValueJson {
  readonly key: string;
  readonly value: OtlpJsonAnyValue;
}

/**
 * tempopb.SearchResponse as Tempo's JSON writes it (jsonpb): uint64 fields as decimal strings, fields at their
 * zero value left out, trace ids without leading zeros. Each trace carries its spansets in `spanSets` and, for Grafana versions that read only
 * the older field, the first of them in `spanSet`.
 */
export function searchResponseJson(result: TraceQLSearchResult): object {
  return {
    traces: result.traces.map(traceJson),
    metrics: {
      ...nonZero('inspectedTraces', result.inspectedTraces),
      ...nonZero('inspectedSpans', String(result.inspectedSpans)),
      completedJobs: 1,
      totalJobs: 1,
    },
  };
}

function traceJson(t: TraceQLTraceMatch): object {
  const spanSets = t.spanSets.map(spanSetJson);
  return {
    traceID: tempoTraceIdHex(t.traceId),
    ...nonZero('rootServiceName', t.rootServiceName ?? ''),
    ...nonZero('rootTraceName', t.rootSpanName ?? ''),
    startTimeUnixNano: t.startTimeUnixNano.toString(),
    ...nonZero('durationMs', Number(t.durationNanos / NANOS_PER_MILLI)),
    ...(spanSets.length > 0 && { spanSet: spanSets[0], spanSets }),
  };
}

function spanSetJson(s: TraceQLSpanSet): object {
  // Tempo's spanset attributes: the by() group's values (added when by() splits), then the aggregates.
  const aggregates: KeyValueJson[] = [
    ...(s.by ?? []).map((b): KeyValueJson => ({ key: b.key, value: anyValueJson(b.value) })),
    ...s.aggregates.map((a) => ({ key: a.name, value: aggregateValueJson(a.name, a.value, a.type) })),
  ];
  return {
    spans: s.spans.map(({ span, attributes }) => ({
      spanID: span.spanId,
      ...nonZero('name', span.name),
      startTimeUnixNano: span.startTimeUnixNano.toString(),
      durationNanos: (span.endTimeUnixNano > span.startTimeUnixNano ? span.endTimeUnixNano - span.startTimeUnixNano : 0n).toString(),
      ...(attributes.length > 0 && { attributes: attributes.map((a): KeyValueJson => ({ key: a.key, value: anyValueJson(a.value) })) }),
    })),
    ...nonZero('matched', s.matched),
    ...(aggregates.length > 0 && { attributes: aggregates }),
  };
}

/** `{ [key]: value }` unless value is jsonpb's zero ('', 0 or "0"), then `{}`. */
function nonZero<K extends string, V extends string | number>(key: K, value: V): { [P in K]?: V } {
  return (value === '' || value === 0 || value === '0' ? {} : { [key]: value }) as { [P in K]?: V };
}
