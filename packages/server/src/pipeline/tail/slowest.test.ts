import type { Resource, Span, UnixNanos } from '@clew/model';
import { SpanKind } from '@clew/model';
import { makeResource, makeSpan, makeTrace, makeTraceId } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import { OperationLatency } from './operation-latency.js';
import { slowestPolicy } from './policies.js';
import { seededLatencies as latencies } from './seeded-random.js';

const T0 = 1_700_000_000_000_000_000n;
const resources = new Map<string, Resource>();
const resource = (service: string) => resources.get(service) ?? (resources.set(service, makeResource(service)), resources.get(service)!);

/** A one-span trace: a server span of `service` named `operation` lasting `ms`. */
function request(service: string, operation: string, ms: number): Span[] {
  const start = T0 as UnixNanos;
  return [makeSpan({ traceId: makeTraceId(), name: operation, kind: SpanKind.SERVER, resource: resource(service), startTimeUnixNano: start, endTimeUnixNano: (start + BigInt(Math.round(ms * 1e6))) as UnixNanos })];
}

/** Asks the policy about a trace and teaches it the trace, as the sampler does; true when kept. */
function decideAndLearn(policy: ReturnType<typeof slowestPolicy>, trace: Span[], now: number): boolean {
  const d = policy.decide(trace, { now });
  policy.observe(trace, { now });
  return d.keep;
}

const share = (kept: number, of: number) => kept / of;

describe('OperationLatency', () => {
  it('estimates a quantile within the sketch accuracy of the exact one', () => {
    const next = latencies(7, 40);
    const op = new OperationLatency(60_000, 0.01, 0);
    const values: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = next() * 1e6;
      values.push(v);
      op.add(v, 0);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = values[Math.floor(q * (values.length - 1))]!;
      expect(Math.abs(op.quantile(q, 0)! - exact) / exact).toBeLessThanOrEqual(0.0101);
    }
  });

  it('covers the current and the previous window, and forgets what is older', () => {
    const op = new OperationLatency(1000, 0.01, 0);
    op.add(10, 0);
    op.add(10, 999);
    expect(op.count(999)).toBe(2);
    op.add(1000, 1500); // second window: the first one is still in the estimate
    expect(op.count(1500)).toBe(3);
    expect(op.quantile(1, 1500)).toBeCloseTo(1000, -1);
    expect(op.quantile(0, 1500)).toBeCloseTo(10, 0);
    expect(op.quantile(0, 2100)).toBeCloseTo(1000, -1); // third window: only the second is left
    expect(op.count(2100)).toBe(1);
    expect(op.quantile(0.5, 5000)).toBeUndefined(); // nothing in the last two windows
  });
});

describe('slowest', () => {
  it('keeps about the slowest 5% of an operation once it has learned it (20,000 seeded requests)', () => {
    const policy = slowestPolicy({ percent: 5, minSamples: 100, windowMs: 600_000, maxOperations: 100 });
    const next = latencies(42, 80);
    let learning = 0;
    let kept = 0;
    const warmUp = 1000;
    for (let i = 0; i < 20_000; i++) {
      const now = i * 10;
      const trace = request('checkout', 'POST /checkout', next());
      if (i < 100) learning += policy.decide(trace, { now }).reason === 'learning' ? 1 : 0;
      const keep = decideAndLearn(policy, trace, now);
      if (i < 100) expect(keep).toBe(false);
      if (i >= warmUp && keep) kept++;
    }
    expect(learning).toBe(100);
    expect(share(kept, 20_000 - warmUp)).toBeGreaterThan(0.04);
    expect(share(kept, 20_000 - warmUp)).toBeLessThan(0.06);
  });

  it('learns each operation apart: a slow operation is not kept whole, a fast one still has its slowest kept', () => {
    const policy = slowestPolicy({ percent: 5, minSamples: 100, windowMs: 600_000, maxOperations: 100 });
    const fast = latencies(1, 2);
    const slow = latencies(2, 1500);
    const kept = { fast: 0, slow: 0 };
    for (let i = 0; i < 10_000; i++) {
      const now = i * 10;
      const keepFast = decideAndLearn(policy, request('catalog', 'GET /products/:id', fast()), now);
      const keepSlow = decideAndLearn(policy, request('catalog', 'GET /search', slow()), now);
      if (i >= 500) {
        kept.fast += keepFast ? 1 : 0;
        kept.slow += keepSlow ? 1 : 0;
      }
    }
    for (const n of [kept.fast, kept.slow]) {
      expect(share(n, 9_500)).toBeGreaterThan(0.04);
      expect(share(n, 9_500)).toBeLessThan(0.06);
    }
    expect(policy.operations).toBe(2);
  });

  it('relearns an operation whose latency shifts, within two windows', () => {
    const policy = slowestPolicy({ percent: 5, minSamples: 100, windowMs: 60_000, maxOperations: 100 });
    const before = latencies(3, 10);
    const after = latencies(4, 100);
    const keptBetween = (from: number, to: number, next: () => number) => {
      let kept = 0;
      for (let now = from; now < to; now += 10) kept += decideAndLearn(policy, request('cart', 'GET /cart', next()), now) ? 1 : 0;
      return share(kept, (to - from) / 10);
    };
    expect(keptBetween(0, 120_000, before)).toBeLessThan(0.07);
    // Ten times slower from 120 s: at first (while the new latencies are under 5% of the estimate) almost every
    // request is over the old threshold…
    expect(keptBetween(120_000, 122_000, after)).toBeGreaterThan(0.95);
    keptBetween(122_000, 240_000, after);
    // …and two windows later the estimate holds only the new latencies.
    const settled = keptBetween(240_000, 360_000, after);
    expect(settled).toBeGreaterThan(0.04);
    expect(settled).toBeLessThan(0.06);
  });

  it('measures roots and service entry points, not internal spans, and keeps a trace when any of them is slow', () => {
    const policy = slowestPolicy({ percent: 10, minSamples: 10, windowMs: 600_000, maxOperations: 100 });
    // Teach it 20 requests: GET / from 410 to 600 ms, checkout's POST /pay inside it from 5 to 100 ms.
    for (let i = 1; i <= 20; i++) {
      policy.observe(
        makeTrace(T0 as UnixNanos, {
          service: 'frontend',
          name: 'GET /',
          at: 0,
          ms: 400 + 10 * i,
          children: [{ service: 'checkout', name: 'POST /pay', kind: SpanKind.SERVER, at: 1, ms: 5 * i, children: [{ service: 'checkout', name: 'validate', at: 1, ms: 5 * i }] }],
        }),
        { now: 0 },
      );
    }
    expect(policy.operations).toBe(2); // validate is internal: not learned
    const verdict = (picture: string) => policy.decide(drawTrace(picture), { now: 0 });
    // One column is 10 ms. The root as usual (450 ms), but the payment entry point slower than ever (300 ms).
    expect(
      verdict(`
        A .  frontend  GET /      |---------------------------------------------|
        B A  checkout  POST /pay   |------------------------------|                kind=server
      `),
    ).toEqual({ keep: true, policy: 'slowest', reason: 'slowest' });
    // Both as usual: 450 and 20 ms.
    expect(
      verdict(`
        A .  frontend  GET /      |---------------------------------------------|
        B A  checkout  POST /pay   |-|                                             kind=server
      `).reason,
    ).toBe('not_slowest');
    // The root slower than ever (650 ms) is enough alone.
    expect(
      verdict(`
        A .  frontend  GET /      |----------------------------------------------------------------|
        B A  checkout  POST /pay   |-|                                             kind=server
      `).keep,
    ).toBe(true);
    // An operation never seen is still learning, and keeps nothing.
    expect(
      verdict(`
        A .  frontend  GET /about |--------------------|
      `).reason,
    ).toBe('learning');
  });

  it('keeps nothing of an operation whose latency never varies (no value is slower than its own percentile)', () => {
    const policy = slowestPolicy({ percent: 5, minSamples: 100, windowMs: 600_000, maxOperations: 100 });
    let kept = 0;
    for (let i = 0; i < 1000; i++) kept += decideAndLearn(policy, request('health', 'GET /health', 3), i) ? 1 : 0;
    expect(kept).toBe(0);
  });

  it('remembers at most maxOperations operations', () => {
    const policy = slowestPolicy({ percent: 1, minSamples: 1, windowMs: 600_000, maxOperations: 3 });
    for (let i = 0; i < 10; i++) policy.observe(request('api', `GET /item/${i}`, 5), { now: 0 });
    expect(policy.operations).toBe(3);
  });
});
