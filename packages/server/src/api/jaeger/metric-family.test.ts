import { latencyBinsOf } from '@clew/analysis';
import type { SpanMetricsPoint } from '@clew/storage';
import { describe, expect, it } from 'vitest';
import type { MetricFamily, MonitorMetric } from './metric-family.js';
import { familyNames, goFixed2, metricFamily, planPoints } from './metric-family.js';

const MIN = 60_000;
const T10 = Date.UTC(2024, 0, 1, 10, 0, 0); // 10:00:00
const at = (minutesFrom10: number): number => T10 + minutesFrom10 * MIN;

/** `n` spans of one group in one minute, all `ms` long, `errors` of them failed. */
function minute(t: number, n: number, ms: number, errors = 0, group: { service?: string; operation?: string } = { service: 'cart' }): SpanMetricsPoint {
  return { t, ...group, count: n, errors, durationSumNanos: n * ms * 1e6, latency: latencyBinsOf(Array.from({ length: n }, () => ms * 1e6)) };
}

/** Within DDSketch's 1% of `ms`. */
function near(value: number, ms: number): boolean {
  return Math.abs(value - ms) <= ms * 0.01;
}

const values = (f: MetricFamily, i = 0): number[] => f.metrics[i]!.metricPoints.map((p) => p.value);
const times = (f: MetricFamily, i = 0): number[] => f.metrics[i]!.metricPoints.map((p) => p.t);

/*
 * minute  09:56  09:57  09:58  09:59
 * spans    60    120     –     240
 * errors    6      0     –      60
 * latency 10ms   20ms    –     40ms
 * points at 09:58, 09:59 and 10:00 (lookback 2 min, step 1 min), each over the 2 minutes before it (ratePer 2 min)
 */
const CART: SpanMetricsPoint[] = [minute(at(-4), 60, 10, 6), minute(at(-3), 120, 20, 0), minute(at(-1), 240, 40, 60)];
const PLAN = planPoints(T10, 2 * MIN, MIN, 2 * MIN);

describe('planPoints', () => {
  it('evaluates from end − lookback to end by step, and reads whole minutes before the first window', () => {
    expect(PLAN).toEqual({ times: [at(-2), at(-1), at(0)], windowMinutes: 2, from: at(-4), to: at(0) });
  });
  it('rounds ratePer up to whole minutes, at least one', () => {
    expect(planPoints(T10, 0, 1000, 90_000).windowMinutes).toBe(2);
    expect(planPoints(T10, 0, 1000, 5_000).windowMinutes).toBe(1);
  });
  it('keeps an end that is not on a minute (Jaeger UI sends Date.now())', () => {
    const p = planPoints(T10 + 30_000, 60_000, 15_000, MIN);
    expect(p.times).toEqual([at(-1) + 30_000, at(-1) + 45_000, at(0), at(0) + 15_000, at(0) + 30_000]);
    expect([p.from, p.to]).toEqual([at(-2), at(0)]);
  });
});

describe('metricFamily', () => {
  it('calls: spans per second over the trailing window', () => {
    const f = metricFamily({ kind: 'calls' }, false, PLAN, CART);
    expect(f).toMatchObject({ name: 'service_call_rate', type: 'GAUGE', help: 'calls/sec, grouped by service' });
    expect(f.metrics[0]!.labels).toEqual([{ name: 'service_name', value: 'cart' }]);
    expect(times(f)).toEqual(PLAN.times);
    expect(values(f)).toEqual([180 / 120, 120 / 120, 240 / 120]);
  });

  it('errors: failed spans as a fraction of all spans in the window', () => {
    const f = metricFamily({ kind: 'errors' }, false, PLAN, CART);
    expect(f.name).toBe('service_error_rate');
    expect(f.help).toBe('error rate, computed as a fraction of errors/sec over calls/sec, grouped by service');
    expect(values(f)).toEqual([6 / 180, 0, 60 / 240]);
  });

  it('latencies: the quantile of the merged minutes, in milliseconds', () => {
    const p50 = values(metricFamily({ kind: 'latencies', quantile: 0.5 }, false, PLAN, CART));
    // 09:58 reads 60×10ms + 120×20ms; 09:59 reads 120×20ms; 10:00 reads 240×40ms
    expect([near(p50[0]!, 20), near(p50[1]!, 20), near(p50[2]!, 40)]).toEqual([true, true, true]);
    const p25 = values(metricFamily({ kind: 'latencies', quantile: 0.25 }, false, PLAN, CART));
    expect(near(p25[0]!, 10)).toBe(true);
    const f = metricFamily({ kind: 'latencies', quantile: 0.95 }, false, PLAN, CART);
    expect([f.name, f.help]).toEqual(['service_latencies', '0.95th quantile latency, grouped by service']);
  });

  it('a quantile outside [0, 1] reads as histogram_quantile does: −Inf, +Inf', () => {
    expect(values(metricFamily({ kind: 'latencies', quantile: 1.5 }, false, PLAN, CART))).toEqual([Infinity, Infinity, Infinity]);
    expect(values(metricFamily({ kind: 'latencies', quantile: -1 }, false, PLAN, CART))[0]).toBe(-Infinity);
  });

  it('leaves out points whose window holds no spans', () => {
    // 09:56 only: the point at 09:58 reads it; 09:59 and 10:00 read nothing.
    const f = metricFamily({ kind: 'calls' }, false, PLAN, [minute(at(-4), 60, 10)]);
    expect(times(f)).toEqual([at(-2)]);
    expect(values(f)).toEqual([0.5]);
  });

  it('steps under a minute: points within one minute repeat', () => {
    const plan = planPoints(T10 + 30_000, 60_000, 15_000, MIN);
    const f = metricFamily({ kind: 'calls' }, false, plan, [minute(at(-2), 60, 10), minute(at(-1), 120, 10)]);
    expect(values(f)).toEqual([1, 1, 2, 2, 2]);
  });

  it('a ratePer that is not whole minutes is read over the whole minutes that cover it', () => {
    const plan = planPoints(T10, 0, MIN, 90_000);
    expect(values(metricFamily({ kind: 'calls' }, false, plan, [minute(at(-2), 60, 10), minute(at(-1), 60, 10)]))).toEqual([1]);
  });

  it('adds up rows of the same group and minute (several kinds or statuses)', () => {
    const f = metricFamily({ kind: 'errors' }, false, PLAN, [minute(at(-2), 30, 10, 0), minute(at(-2), 10, 10, 10)]);
    expect(values(f)).toEqual([0.25, 0.25]);
  });

  it('several services: one series each, sorted by name', () => {
    const points = [minute(at(-2), 120, 10, 0, { service: 'web' }), minute(at(-2), 60, 10, 0, { service: 'api' })];
    const f = metricFamily({ kind: 'calls' }, false, PLAN, points);
    expect(f.metrics.map((m) => m.labels)).toEqual([[{ name: 'service_name', value: 'api' }], [{ name: 'service_name', value: 'web' }]]);
    expect([values(f, 0), values(f, 1)]).toEqual([
      [0.5, 0.5],
      [1, 1],
    ]);
  });

  it('groupByOperation: a series per (service, operation), labelled service_name then operation', () => {
    const points = [
      minute(at(-2), 120, 10, 12, { service: 'cart', operation: 'POST /cart' }),
      minute(at(-2), 60, 50, 0, { service: 'cart', operation: 'GET /cart' }),
    ];
    const f = metricFamily({ kind: 'errors' }, true, PLAN, points);
    expect([f.name, f.help]).toEqual(['service_operation_error_rate', 'error rate, computed as a fraction of errors/sec over calls/sec, grouped by service & operation']);
    expect(f.metrics.map((m) => m.labels)).toEqual([
      [
        { name: 'service_name', value: 'cart' },
        { name: 'operation', value: 'GET /cart' },
      ],
      [
        { name: 'service_name', value: 'cart' },
        { name: 'operation', value: 'POST /cart' },
      ],
    ]);
    expect([values(f, 0), values(f, 1)]).toEqual([
      [0, 0],
      [0.1, 0.1],
    ]);
  });

  it('no data: no series', () => {
    for (const metric of [{ kind: 'calls' }, { kind: 'errors' }, { kind: 'latencies', quantile: 0.95 }] as MonitorMetric[]) {
      expect(metricFamily(metric, false, PLAN, []).metrics).toEqual([]);
    }
  });
});

describe('familyNames', () => {
  it.each([
    [{ kind: 'latencies', quantile: 0.5 }, true, 'service_operation_latencies', '0.50th quantile latency, grouped by service & operation'],
    [{ kind: 'latencies', quantile: 0.75 }, false, 'service_latencies', '0.75th quantile latency, grouped by service'],
    [{ kind: 'calls' }, true, 'service_operation_call_rate', 'calls/sec, grouped by service & operation'],
  ] as const)('%o grouped=%s → %s', (metric, grouped, name, help) => {
    expect(familyNames(metric, grouped)).toEqual({ name, help });
  });
});

describe('goFixed2 (Go %.2f)', () => {
  it.each([
    [0.95, '0.95'],
    [0.5, '0.50'],
    [0.999, '1.00'],
    [0.125, '0.12'], // an exact tie rounds to even in Go (toFixed would give 0.13)
    [0.375, '0.38'],
    [0.005, '0.01'], // not a tie: 0.005 is a little above it in binary
    [Infinity, '+Inf'],
    [NaN, 'NaN'],
  ])('%d → %s', (x, s) => {
    expect(goFixed2(x)).toBe(s);
  });
});
