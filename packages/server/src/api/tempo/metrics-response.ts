import type { Exemplar, Label, LabelValue, MetricsQueryResult, ResponseSeries } from '../../query/traceql-metrics/index.js';
import { formatGoDuration } from './go-duration.js';

/**
 * tempopb.QueryRangeResponse as Tempo's frontend writes it (gogo jsonpb): camelCase, int64 as decimal strings
 * (`timestampMs`), fields at their zero value left out (a sample valued 0 has only its timestamp, an empty list is
 * absent), labels as OTLP KeyValues, `status: "PARTIAL"` and a message when the answer is incomplete.
 */
export function queryRangeResponseJson(result: MetricsQueryResult): object {
  return {
    ...(result.series.length > 0 && { series: result.series.map(seriesJson) }),
    metrics: metricsJson(result),
    ...partialJson(result),
  };
}

/** tempopb.QueryInstantResponse: each series' first (only) value, as the frontend's translateQueryRangeToInstant. */
export function queryInstantResponseJson(result: MetricsQueryResult): object {
  const series = result.series
    .filter((s) => s.samples.length > 0)
    .map((s) => ({ ...labelsJson(s.labels), ...nonZero('value', s.samples[0]!.value) }));
  return { ...(series.length > 0 && { series }), metrics: metricsJson(result), ...partialJson(result) };
}

function seriesJson(s: ResponseSeries): object {
  return {
    ...labelsJson(s.labels),
    ...(s.samples.length > 0 && { samples: s.samples.map((p) => ({ timestampMs: String(p.timestampMs), ...nonZero('value', p.value) })) }),
    ...(s.exemplars.length > 0 && { exemplars: s.exemplars.map(exemplarJson) }),
  };
}

function exemplarJson(e: Exemplar): object {
  return { ...labelsJson(e.labels), ...nonZero('value', e.value), ...(e.timestampMs !== 0 && { timestampMs: String(e.timestampMs) }) };
}

function labelsJson(labels: readonly Label[]): object {
  return labels.length > 0 ? { labels: labels.map((l) => ({ key: l.name, value: anyValueJson(l.value) })) } : {};
}

/** Static.AsAnyValue as jsonpb writes it; a oneof member is written even at its zero value. */
function anyValueJson(v: LabelValue): object {
  switch (v.type) {
    case 'string':
      return { stringValue: v.value };
    case 'int':
      return { intValue: v.value.toString() };
    case 'double':
      return { doubleValue: doubleJson(v.value) };
    case 'bool':
      return { boolValue: v.value };
    case 'duration':
      return { stringValue: formatGoDuration(v.nanos) };
  }
}

/** jsonpb writes NaN and the infinities as strings. */
function doubleJson(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

const nonZero = (key: string, v: number): object => (v === 0 ? {} : { [key]: doubleJson(v) });

function metricsJson(r: MetricsQueryResult): object {
  return {
    ...(r.inspectedTraces > 0 && { inspectedTraces: r.inspectedTraces }),
    ...(r.inspectedSpans > 0 && { inspectedSpans: String(r.inspectedSpans) }),
    completedJobs: 1,
    totalJobs: 1,
  };
}

function partialJson(r: MetricsQueryResult): object {
  return r.partial === undefined ? {} : { status: 'PARTIAL', message: r.partial };
}
