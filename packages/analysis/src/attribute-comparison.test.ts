import { describe, expect, it } from 'vitest';
import type { AttributeCountsInput, KeyCountsInput } from './attribute-comparison.js';
import { compareAttributes, highCardinalityReason, twoProportionZ } from './attribute-comparison.js';

/** A key from `value: [selection, baseline]` pairs; the key's own counts are their sums. */
function key(scope: string, name: string, values: Record<string, [number, number]>, distinct?: number): KeyCountsInput {
  const list = Object.entries(values).map(([value, [selection, baseline]]) => ({ value, selection, baseline }));
  return {
    scope,
    key: name,
    selection: list.reduce((n, v) => n + v.selection, 0),
    baseline: list.reduce((n, v) => n + v.baseline, 0),
    distinctValues: distinct ?? list.length,
    values: list,
  };
}

/*
 * 10 slow spans against 90 others:
 *   db.collection.name  reviews 8 of 10 (80%)  vs  9 of 90 (10%)   → +70
 *   http.route          /search 9 of 10 (90%)  vs 27 of 90 (30%)   → +60
 *   http.route          /products 1 (10%)      vs 63 (70%)         → −60, not over-represented
 *   service.name        catalog 10 (100%)      vs 90 (100%)        → 0, not listed
 *   user.id             one per span: 100 distinct values           → grouped, present 10 vs 45 (+50)
 */
const SLOW: AttributeCountsInput = {
  selection: { spans: 10, counted: 10 },
  baseline: { spans: 90, counted: 90 },
  keys: [
    key('resource', 'service.name', { catalog: [10, 90] }),
    key('span', 'http.route', { '/search': [9, 27], '/products': [1, 63] }),
    key('span', 'db.collection.name', { reviews: [8, 9], products: [0, 40] }),
    key('span', 'user.id', { u1: [1, 0], u2: [1, 0], u3: [0, 1] }, 55) as KeyCountsInput,
  ].map((k) => (k.key === 'user.id' ? { ...k, selection: 10, baseline: 45 } : k)),
};

describe('compareAttributes', () => {
  it('ranks over-represented values by the difference in share, with both percentages', () => {
    const r = compareAttributes(SLOW);
    expect(r.values.map((v) => [v.key, v.value, v.selectionPercent, v.baselinePercent, v.difference])).toEqual([
      ['db.collection.name', 'reviews', 80, 10, 70],
      ['http.route', '/search', 90, 30, 60],
      ['user.id', null, 100, 50, 50],
    ]);
    expect(r.values[0]).toMatchObject({ scope: 'span', selectionCount: 8, baselineCount: 9 });
    expect(r.omitted).toBe(0);
  });

  it('groups a key of many rare values (an id) into one entry and says why', () => {
    const r = compareAttributes(SLOW);
    expect(r.setAside).toEqual([
      { scope: 'span', key: 'user.id', distinctValues: 55, reason: 'high-cardinality', detail: '55 distinct values, the most frequent on 1.8% of the spans with the key: values grouped into one' },
    ]);
    // Its top value is on 1 of 55 spans: under a tighter bound on that share, or with fewer values, it is a dimension.
    expect(highCardinalityReason(SLOW.keys[3]!, { highCardinalityMaxShare: 0.01 })).toBeNull();
    expect(highCardinalityReason(SLOW.keys[3]!, { highCardinalityMinDistinct: 56 })).toBeNull();
  });

  it('treats a key with few distinct values as a dimension however rare each is', () => {
    const k = key('span', 'db.system', { duckdb: [1, 1], postgres: [1, 1] });
    expect(highCardinalityReason(k)).toBeNull();
  });

  it('leaves out excluded keys, by scope:key or key, with the reason', () => {
    const r = compareAttributes(SLOW, { exclude: ['span:db.collection.name', 'http.route'] });
    expect(r.values.map((v) => v.key)).toEqual(['user.id']);
    expect(r.setAside.map((s) => [s.key, s.reason])).toEqual([
      ['db.collection.name', 'excluded'],
      ['http.route', 'excluded'],
      ['user.id', 'high-cardinality'],
    ]);
  });

  it('orders ties by selection count, then scope, key and value, and cuts at the limit', () => {
    const tie: AttributeCountsInput = {
      selection: { spans: 4, counted: 4 },
      baseline: { spans: 4, counted: 4 },
      keys: [
        key('span', 'b', { x: [2, 0], y: [2, 0] }),
        key('span', 'a', { z: [2, 0] }),
        key('resource', 'c', { w: [2, 0] }),
        // 100% against 50%: the same difference, from more spans of the selection, so first.
        key('span', 'd', { v: [4, 2] }),
      ],
    };
    const r = compareAttributes(tie, { limit: 4 });
    expect(r.values.map((v) => `${v.scope}:${v.key}=${v.value}`)).toEqual(['span:d=v', 'resource:c=w', 'span:a=z', 'span:b=x']);
    expect(r.omitted).toBe(1);
    // Same input, same answer, whatever order the keys came in.
    expect(compareAttributes({ ...tie, keys: [...tie.keys].reverse() }, { limit: 4 })).toEqual(r);
  });

  it('answers shares of 0 when a side counted nothing', () => {
    const r = compareAttributes({ selection: { spans: 0, counted: 0 }, baseline: { spans: 3, counted: 3 }, keys: [key('span', 'k', { v: [0, 3] })] });
    expect(r.values).toEqual([]);
    const only = compareAttributes({ selection: { spans: 2, counted: 2 }, baseline: { spans: 0, counted: 0 }, keys: [key('span', 'k', { v: [2, 0] })] });
    expect(only.values).toMatchObject([{ selectionPercent: 100, baselinePercent: 0, difference: 100, z: 0 }]);
  });
});

describe('twoProportionZ', () => {
  it('is the pooled z-score of the difference', () => {
    // 80/100 vs 50/100: p = 0.65, se = sqrt(0.65 × 0.35 × 0.02) ≈ 0.067454, z ≈ 4.4475
    expect(twoProportionZ(80, 100, 50, 100)).toBeCloseTo(4.4475, 3);
    expect(twoProportionZ(5, 10, 50, 100)).toBe(0);
    expect(twoProportionZ(0, 10, 0, 10)).toBe(0);
  });
});
