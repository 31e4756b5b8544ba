import { DDSketch } from '@datadog/sketches-js';
import { describe, expect, it } from 'vitest';
import {
  LatencyBinsBuilder,
  latencyBinsOf,
  latencyCount,
  latencyCountAtOrBelow,
  latencyKey,
  latencyQuantile,
  latencyQuantiles,
  mergeLatencyBins,
} from './latency-sketch.js';

/** A fixed pseudo-random sequence (no Math.random: the test must not vary between runs). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const QUANTILES = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

describe('latency sketch', () => {
  it('reads the same quantiles as @datadog/sketches-js at 1% relative accuracy', () => {
    const rnd = lcg(7);
    const values = Array.from({ length: 5000 }, () => Math.floor(Math.exp(rnd() * 20)));
    const lib = new DDSketch({ relativeAccuracy: 0.01 });
    for (const v of values) lib.accept(v);
    const bins = latencyBinsOf(values);
    for (const q of QUANTILES) expect(latencyQuantile(bins, q)).toBeCloseTo(lib.getValueAtQuantile(q), 6);
  });

  it('keeps every quantile within 1% of the exact value', () => {
    const rnd = lcg(11);
    const values = Array.from({ length: 2000 }, () => 1_000 + Math.floor(rnd() * 5e9));
    const sorted = [...values].sort((a, b) => a - b);
    const bins = latencyBinsOf(values);
    for (const q of QUANTILES) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      expect(Math.abs(latencyQuantile(bins, q) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
  });

  it('merges exactly: bins of parts merged equal bins of the whole', () => {
    const rnd = lcg(3);
    const values = Array.from({ length: 999 }, () => Math.floor(rnd() * 1e8));
    const whole = latencyBinsOf(values);
    const parts = [latencyBinsOf(values.slice(0, 100)), latencyBinsOf(values.slice(100, 600)), latencyBinsOf(values.slice(600))];
    expect(mergeLatencyBins(parts)).toEqual(whole);
    expect(latencyCount(whole)).toBe(999);
  });

  it('bins values waiting in its buffer whenever it is read: the same bins as adding each at once', () => {
    const rnd = lcg(5);
    const b = new LatencyBinsBuilder();
    expect(b.empty).toBe(true);
    b.add(3_000_000);
    expect(b.empty).toBe(false);
    const expected = new Map<number, number>([[latencyKey(3_000_000), 1]]);
    let zero = 0;
    // Enough values of weight 1 to fill and bin the buffer many times, some of other weights and some zero among them.
    for (let i = 0; i < 5000; i++) {
      const v = i % 97 === 0 ? 0 : Math.floor(Math.exp(8 + rnd() * 12));
      const w = i % 13 === 0 ? 2.5 : 1;
      b.add(v, w);
      if (v === 0) zero += w;
      else expected.set(latencyKey(v), (expected.get(latencyKey(v)) ?? 0) + w);
      if (i === 1234) expect(latencyCount(b.build())).toBe(latencyCount({ keys: [], counts: [...expected.values()], zeroCount: zero }));
    }
    const keys = [...expected.keys()].sort((x, y) => x - y);
    const want = { keys, counts: keys.map((k) => expected.get(k)!), zeroCount: zero };
    expect(b.build()).toEqual(want);
    // Reading again bins nothing twice.
    expect(b.build()).toEqual(want);
  });

  it('merges a builder into another, its binned and waiting values alike: the bins of one given every value, the other left empty', () => {
    const rnd = lcg(13);
    const whole = new LatencyBinsBuilder();
    const into = new LatencyBinsBuilder();
    // Parts of a few values (all still waiting), of hundreds (binned, some waiting), with zeros and other weights.
    for (const size of [3, 500, 0, 1, 129, 7]) {
      const part = new LatencyBinsBuilder();
      for (let i = 0; i < size; i++) {
        const v = i % 50 === 0 ? 0 : Math.floor(Math.exp(6 + rnd() * 14));
        const w = i % 17 === 5 ? 3 : 1;
        part.add(v, w);
        whole.add(v, w);
      }
      into.merge(part);
      expect(part.empty).toBe(true);
      expect(part.build()).toEqual({ keys: [], counts: [], zeroCount: 0 });
    }
    expect(into.build()).toEqual(whole.build());
    expect(latencyCount(into.build())).toBeGreaterThan(640);
    expect(() => into.merge(into)).toThrow(/itself/);
    expect(into.build()).toEqual(whole.build());
  });

  it('counts zero durations in the zero bin, and weights as given', () => {
    const b = new LatencyBinsBuilder();
    b.add(0, 2);
    b.add(1_000_000, 0.5);
    const bins = b.build();
    expect(bins.zeroCount).toBe(2);
    expect(latencyCount(bins)).toBe(2.5);
    expect(latencyQuantile(bins, 0.5)).toBe(0);
    expect(latencyQuantile({ keys: [], counts: [], zeroCount: 0 }, 0.5)).toBeNaN();
  });

  it('counts what is at or under a threshold, within the bin that holds the threshold', () => {
    const ms = 1_000_000;
    const bins = latencyBinsOf([100 * ms, 200 * ms, 499 * ms, 500 * ms, 501 * ms, 600 * ms, 0]);
    // 499 and 501 ms are within 1% of 500 ms: they share the threshold's bin or its neighbour.
    const good = latencyCountAtOrBelow(bins, 500 * ms);
    expect(good).toBeGreaterThanOrEqual(5);
    expect(good).toBeLessThanOrEqual(6);
    expect(latencyCountAtOrBelow(bins, 50 * ms)).toBe(1);
    expect(latencyCountAtOrBelow(bins, 10_000 * ms)).toBe(7);
    expect(latencyKey(500 * ms)).toBeGreaterThan(latencyKey(400 * ms));
  });
});

describe('LatencyBinsBuilder', () => {
  it('grows on both sides without losing or moving a bin', () => {
    const values = [1e6, 1e3, 1e12, 5e5, 2e9, 1e3, 7, 1e15];
    const b = new LatencyBinsBuilder();
    for (const v of values) b.add(v);
    const bins = b.build();
    const expected = new Map<number, number>();
    for (const v of values) expected.set(latencyKey(v), (expected.get(latencyKey(v)) ?? 0) + 1);
    expect(bins.keys).toEqual([...expected.keys()].sort((x, y) => x - y));
    expect(bins.counts).toEqual(bins.keys.map((k) => expected.get(k)));
  });

  it('merges another builder, waiting values, weights and zeros included: the bins of adding every value to one', () => {
    const rnd = lcg(11);
    const values = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 0 : Math.floor(rnd() * 10 ** (3 + (i % 9)))));
    const whole = new LatencyBinsBuilder();
    const a = new LatencyBinsBuilder();
    const b = new LatencyBinsBuilder();
    values.forEach((v, i) => {
      const weight = i % 5 === 0 ? 3 : 1;
      whole.add(v, weight);
      (i < 1700 ? a : b).add(v, weight);
    });
    // One side far below the other's bins, so that merging grows the array downwards as well as up.
    whole.add(2, 1);
    b.add(2, 1);
    a.merge(b);
    a.merge(new LatencyBinsBuilder());
    expect(a.build()).toEqual(whole.build());
    const empty = new LatencyBinsBuilder();
    empty.merge(a);
    expect(empty.build()).toEqual(whole.build());
  });
});

describe('latencyQuantiles', () => {
  it('reads each quantile as latencyQuantile does, in one pass, whatever the order of the quantiles', () => {
    const next = lcg(7);
    const cases = [
      { keys: [], counts: [], zeroCount: 0 },
      { keys: [], counts: [], zeroCount: 3 },
      { keys: [5], counts: [1], zeroCount: 0 },
      { keys: [800, 801], counts: [1, 1], zeroCount: 98 },
      { keys: [1, 2, 3], counts: [1e-300, 1.7976931348623157e308, -2], zeroCount: 0 },
      { keys: [1, 2], counts: [-1, -1], zeroCount: 0.5 },
      ...Array.from({ length: 40 }, () => {
        const n = Math.floor(next() * 300);
        let k = -50 + Math.floor(next() * 2000);
        const keys = Array.from({ length: n }, () => (k += 1 + Math.floor(next() * 3)));
        return { keys, counts: keys.map(() => (next() < 0.2 ? next() * 5 : Math.floor(next() * 40))), zeroCount: next() < 0.3 ? Math.floor(next() * 50) : 0 };
      }),
    ];
    const lists = [[0.5, 0.95, 0.99], [0.99, 0.5, 0.95], QUANTILES, [...QUANTILES].reverse(), [0.5, 0.5], [-0.1, 0.5, 1.5, Number.NaN], []];
    for (const bins of cases) {
      for (const qs of lists) expect(latencyQuantiles(bins, qs)).toEqual(qs.map((q) => latencyQuantile(bins, q)));
    }
  });
});
