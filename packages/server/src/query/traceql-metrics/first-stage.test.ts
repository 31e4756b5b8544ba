import type { Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { str } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { parseTraceQLMetrics } from '../traceql/index.js';
import type { MetricsQuery } from '../traceql/index.js';
import { TraceIndex } from '../traceql/trace-index.js';
import { FirstStage } from './first-stage.js';
import type { RangeRequest } from './interval-mapper.js';
import { intervalMapper } from './interval-mapper.js';
import { log2Quantile } from './log2-histogram.js';
import type { SeriesSet } from './series.js';

const S = 1_000_000_000n;
const REQ: RangeRequest = { start: 0n, end: 3n * S, step: S, instant: false, exemplars: 10 };

function metrics(text: string): Extract<MetricsQuery, { type: 'metrics' }> {
  const parsed = parseTraceQLMetrics(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  if (parsed.query.type !== 'metrics') throw new Error('not a pipeline');
  return parsed.query;
}

let n = 0;
const span = (startS: bigint, durationNs: bigint, foo?: string): Span =>
  makeSpan({
    traceId: `${(++n).toString(16).padStart(32, '0')}` as TraceId,
    spanId: n.toString(16).padStart(16, '0') as SpanId,
    startTimeUnixNano: (startS * S) as UnixNanos,
    endTimeUnixNano: (startS * S + durationNs) as UnixNanos,
    attributes: foo === undefined ? [] : [{ key: 'foo', value: str(foo) }],
  });

function run(text: string, spans: Span[], req = REQ): SeriesSet {
  const stage = new FirstStage(metrics(text).aggregate, req, intervalMapper(req));
  for (const s of spans) {
    const trace = new TraceIndex([s]);
    stage.observe(trace, 0);
    stage.observeExemplar(trace, 0);
  }
  return stage.result();
}

const simple = (set: SeriesSet) =>
  [...set.values()].map((s) => ({ labels: s.labels.map((l) => `${l.name}=${'value' in l.value ? String(l.value.value) : ''}`).join(','), values: s.values }));

describe('FirstStage', () => {
  /*
   * Tempo's TestQuantileOverTime: intervals (0;1], (1;2], (2;3]
   *   1 s: bar 128ns 256ns 512ns     2 s: bar 256ns ×4     3 s: baz 512ns ×3
   */
  it('reads quantiles from power-of-two histograms per interval, as Tempo does', () => {
    const spans = [
      span(1n, 128n, 'bar'),
      span(1n, 256n, 'bar'),
      span(1n, 512n, 'bar'),
      ...[1, 2, 3, 4].map(() => span(2n, 256n, 'bar')),
      ...[1, 2, 3].map(() => span(3n, 512n, 'baz')),
    ];
    const out = simple(run('{ } | quantile_over_time(duration, 0, 0.5, 1) by (span.foo)', spans));
    const ns = (x: number) => x / 1e9;
    // Tempo's percentileHelper: the quantile of these (power-of-two) values by the same interpolation.
    const percentile = (q: number, ...values: number[]) => {
      const counts = new Map<number, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      return log2Quantile(q, [...counts].map(([max, count]) => ({ max, count })).sort((a, b) => a.max - b.max));
    };
    expect(out).toEqual([
      { labels: 'span.foo=bar,p=0', values: [ns(128), percentile(0, ns(256), ns(256), ns(256), ns(256)), 0] },
      { labels: 'span.foo=bar,p=0.5', values: [ns(256), percentile(0.5, ns(256), ns(256), ns(256), ns(256)), 0] },
      { labels: 'span.foo=bar,p=1', values: [ns(512), ns(256), 0] },
      { labels: 'span.foo=baz,p=0', values: [0, 0, percentile(0, ns(512), ns(512), ns(512))] },
      { labels: 'span.foo=baz,p=0.5', values: [0, 0, percentile(0.5, ns(512), ns(512), ns(512))] },
      { labels: 'span.foo=baz,p=1', values: [0, 0, ns(512)] },
    ]);
  });

  it('counts and rates per interval; an ungrouped series is named after its function', () => {
    const spans = [span(1n, 5n), span(1n, 5n), span(3n, 5n)];
    expect(simple(run('{ } | count_over_time()', spans))).toEqual([{ labels: '__name__=count_over_time', values: [2, 0, 1] }]);
    const halfSecond = { ...REQ, step: S / 2n };
    expect(simple(run('{ } | rate()', spans, halfSecond))).toEqual([{ labels: '__name__=rate', values: [0, 4, 0, 0, 0, 2] }]);
  });

  it('leaves nil by() values out of the labels, and names an all-nil group after its first field', () => {
    const spans = [span(1n, 5n, 'a'), span(2n, 5n)];
    expect(simple(run('{ } | count_over_time() by (span.foo, span.nope)', spans))).toEqual([
      { labels: 'span.foo=a', values: [1, 0, 0] },
      { labels: 'span.foo=nil', values: [0, 1, 0] },
    ]);
  });

  it('keeps NaN where min/max/sum/avg saw nothing', () => {
    const spans = [span(1n, 2_000_000_000n), span(1n, 1_000_000_000n), span(3n, 500_000_000n)];
    expect(simple(run('{ } | max_over_time(duration)', spans))[0]!.values).toEqual([2, Number.NaN, 0.5]);
    expect(simple(run('{ } | min_over_time(duration)', spans))[0]!.values).toEqual([1, Number.NaN, 0.5]);
    expect(simple(run('{ } | sum_over_time(duration)', spans))[0]!.values).toEqual([3, Number.NaN, 0.5]);
    expect(simple(run('{ } | avg_over_time(duration)', spans))[0]!.values).toEqual([1.5, Number.NaN, 0.5]);
  });

  it('a span without the attribute restarts a sum or an average, as in Tempo; min and max pass over it', () => {
    const withX = (x: number | undefined) => ({ ...span(1n, 5n), attributes: x === undefined ? [] : [{ key: 'x', value: { type: 'int' as const, value: BigInt(x) } }] });
    const spans = [withX(1), withX(undefined), withX(3)];
    expect(simple(run('{ } | sum_over_time(span.x)', spans))[0]!.values).toEqual([3, Number.NaN, Number.NaN]);
    expect(simple(run('{ } | avg_over_time(span.x)', spans))[0]!.values).toEqual([3, Number.NaN, Number.NaN]);
    expect(simple(run('{ } | min_over_time(span.x)', spans))[0]!.values).toEqual([1, Number.NaN, Number.NaN]);
    expect(simple(run('{ } | max_over_time(span.x)', spans))[0]!.values).toEqual([3, Number.NaN, Number.NaN]);
  });

  it('puts histogram_over_time spans in __bucket series, in seconds', () => {
    const spans = [span(1n, 3_000n), span(2n, 4_000n), span(2n, 5_000n)];
    expect(simple(run('{ } | histogram_over_time(duration)', spans))).toEqual([
      { labels: '__bucket=0.000004096', values: [1, 1, 0] },
      { labels: '__bucket=0.000008192', values: [0, 1, 0] },
    ]);
  });

  it('keeps an exemplar per span offered, with trace:id and span:id, valued by the span for attribute functions', () => {
    const s = span(2n, 1_500_000_000n, 'x');
    const [series] = [...run('{ } | max_over_time(duration) by (span.foo)', [s]).values()];
    expect(series!.exemplars).toEqual([
      {
        labels: [
          { name: 'span.foo', value: { type: 'string', value: 'x' } },
          { name: 'trace:id', value: { type: 'string', value: s.traceId.replace(/^0+/, '') } },
          { name: 'span:id', value: { type: 'string', value: s.spanId } },
        ],
        value: 1.5,
        timestampMs: 2000,
      },
    ]);
  });
});
