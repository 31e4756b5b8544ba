import { beforeEach, describe, expect, it } from 'vitest';
import type { UnixNanos } from '@clew/model';
import type { AttributeCounts, KeyCounts, SpanFilter } from '../span-comparison.js';
import { heatmapDurationBounds, heatmapDurationBucket } from '../span-comparison.js';
import type { Harness } from './harness.js';
import { at, MS, searchFixture } from './fixtures.js';

/*
 * Over searchFixture's eight spans (ms after T0, duration):
 *   A @1000 frontend GET /api 120 ─► cart cart.get 30 (user.id=u1) ─► cart SELECT 5 ERROR
 *   B @2000 frontend GET /api 50 ERROR ─► payment charge 40 (amount=12.5)
 *   C @3000 frontend POST /checkout 300 ─► cart cart.get 10 (event cache.key=k1)
 *   D @3000 frontend GET /api 80
 */
const WINDOW: SpanFilter = { start: at(0), end: at(4000) };

const key = (r: AttributeCounts, scope: KeyCounts['scope'], name: string): KeyCounts | undefined =>
  r.keys.find((k) => k.scope === scope && k.key === name);

export function comparisonCases(h: Harness): void {
  beforeEach(async () => {
    await h.store.append(searchFixture());
  });

  describe('latencyHeatmap', () => {
    const cell = (t: number, ms: number, count: number, errors: number) => ({ t, d: heatmapDurationBucket(BigInt(ms) * MS), count, errors });

    it('counts every matching span per time bucket and log-scaled duration bucket, with its errors', async () => {
      const r = await h.store.latencyHeatmap({ filter: { ...WINDOW, service: 'frontend' }, step: 1000n * MS });
      expect(r).toEqual({
        cells: [cell(1, 120, 1, 0), cell(2, 50, 1, 1), cell(3, 80, 1, 0), cell(3, 300, 1, 0)],
        total: 4,
        errors: 1,
      });
    });

    it('puts each duration inside its bucket bounds and spans of one bucket together', async () => {
      const r = await h.store.latencyHeatmap({ filter: WINDOW, step: 4000n * MS });
      expect(r.total).toBe(8);
      expect(r.errors).toBe(2);
      expect(r.cells.every((c) => c.t === 0)).toBe(true);
      for (const ms of [5, 10, 30, 40, 50, 80, 120, 300]) {
        const { minNanos, maxNanos } = heatmapDurationBounds(heatmapDurationBucket(BigInt(ms) * MS));
        expect(ms * 1e6).toBeGreaterThanOrEqual(minNanos);
        expect(ms * 1e6).toBeLessThan(maxNanos);
      }
      // 30 and 40 ms share no bucket, 80 and 120 neither: eight spans, eight cells.
      expect(r.cells.map((c) => c.count)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    });

    it('applies the search conditions and the window', async () => {
      const r = await h.store.latencyHeatmap({ filter: { start: at(1500), end: at(4000), attributes: [['http.method', 'GET']] }, step: 1000n * MS });
      expect(r.cells.map((c) => [c.t, c.count])).toEqual([[0, 1], [1, 1]]);
      const none = await h.store.latencyHeatmap({ filter: { start: at(5000), end: at(6000) }, step: 1000n * MS });
      expect(none).toEqual({ cells: [], total: 0, errors: 0 });
    });
  });

  describe('attributeCounts', () => {
    it('counts the values of a duration band against the rest of the window, per scope and key', async () => {
      const r = await h.store.attributeCounts({ filter: WINDOW, selection: { minDuration: 100n * MS }, topValues: 10, maxSpans: 1000 });
      expect(r.selection).toEqual({ spans: 2, counted: 2, marginPercent: 0 });
      expect(r.baseline).toEqual({ spans: 6, counted: 6, marginPercent: 0 });
      expect(r.sampled).toBe(false);
      expect(key(r, 'intrinsic', 'name')).toEqual({
        scope: 'intrinsic', key: 'name', selection: 2, baseline: 6, distinctValues: 5,
        values: [
          { value: 'GET /api', selection: 1, baseline: 2 },
          { value: 'POST /checkout', selection: 1, baseline: 0 },
          { value: 'cart.get', selection: 0, baseline: 2 },
          { value: 'SELECT', selection: 0, baseline: 1 },
          { value: 'charge', selection: 0, baseline: 1 },
        ],
      });
      expect(key(r, 'intrinsic', 'kind')?.values).toEqual([
        { value: 'server', selection: 2, baseline: 4 },
        { value: 'client', selection: 0, baseline: 2 },
      ]);
      expect(key(r, 'intrinsic', 'status')?.values).toEqual([
        { value: 'unset', selection: 2, baseline: 4 },
        { value: 'error', selection: 0, baseline: 2 },
      ]);
      expect(key(r, 'span', 'http.method')).toEqual({
        scope: 'span', key: 'http.method', selection: 2, baseline: 2, distinctValues: 2,
        values: [{ value: 'GET', selection: 1, baseline: 2 }, { value: 'POST', selection: 1, baseline: 0 }],
      });
      expect(key(r, 'span', 'http.status_code')?.values).toEqual([
        { value: '200', selection: 2, baseline: 1 },
        { value: '500', selection: 0, baseline: 1 },
      ]);
      expect(key(r, 'span', 'amount')?.values).toEqual([{ value: '12.5', selection: 0, baseline: 1 }]);
      expect(key(r, 'event', 'cache.key')).toEqual({
        scope: 'event', key: 'cache.key', selection: 0, baseline: 1, distinctValues: 1, values: [{ value: 'k1', selection: 0, baseline: 1 }],
      });
      expect(key(r, 'resource', 'service.name')?.values).toEqual([
        { value: 'frontend', selection: 2, baseline: 2 },
        { value: 'cart', selection: 0, baseline: 3 },
        { value: 'payment', selection: 0, baseline: 1 },
      ]);
      expect(key(r, 'resource', 'region')?.values).toEqual([{ value: 'eu', selection: 0, baseline: 3 }]);
      // Keys by scope, then key.
      expect(r.keys.map((k) => `${k.scope}:${k.key}`)).toEqual([
        'intrinsic:kind', 'intrinsic:name', 'intrinsic:status', 'resource:region', 'resource:service.name',
        'span:amount', 'span:http.method', 'span:http.status_code', 'span:user.id', 'event:cache.key',
      ]);
    });

    it('selects errors, or a time band, within the filtered spans', async () => {
      const errors = await h.store.attributeCounts({ filter: { ...WINDOW, attributes: [['http.method', 'GET']] }, selection: { errors: true }, topValues: 10, maxSpans: 1000 });
      expect([errors.selection.spans, errors.baseline.spans]).toEqual([1, 2]);
      expect(key(errors, 'span', 'http.status_code')?.values).toEqual([
        { value: '500', selection: 1, baseline: 0 },
        { value: '200', selection: 0, baseline: 2 },
      ]);
      const band = await h.store.attributeCounts({ filter: WINDOW, selection: { start: at(2000), end: at(2999) }, topValues: 10, maxSpans: 1000 });
      expect([band.selection.spans, band.baseline.spans]).toEqual([2, 6]);
      expect(key(band, 'resource', 'service.name')?.values[0]).toEqual({ value: 'frontend', selection: 1, baseline: 3 });
    });

    it('keeps the top values of each side per key, with the distinct count of all', async () => {
      const r = await h.store.attributeCounts({ filter: WINDOW, selection: { minDuration: 100n * MS }, topValues: 1, maxSpans: 1000 });
      expect(key(r, 'intrinsic', 'name')).toMatchObject({ distinctValues: 5, values: [{ value: 'GET /api', selection: 1, baseline: 2 }] });
      expect(key(r, 'span', 'http.status_code')).toMatchObject({ distinctValues: 2, values: [{ value: '200', selection: 2, baseline: 1 }] });
    });

    it('samples past maxSpans, stating how many spans of each side were counted and the margin', async () => {
      const ask = () => h.store.attributeCounts({ filter: WINDOW, selection: { minDuration: 100n * MS }, topValues: 10, maxSpans: 4 });
      const r = await ask();
      expect(r.sampled).toBe(true);
      expect(r.selection).toEqual({ spans: 2, counted: 2, marginPercent: 0 });
      expect(r.baseline.spans).toBe(6);
      expect(r.baseline.counted).toBeLessThan(6);
      expect(r.baseline.marginPercent).toBeGreaterThan(0);
      // Every count is of the counted spans, and the same spans are picked each time.
      const names = key(r, 'intrinsic', 'name')!;
      expect(names.baseline).toBe(r.baseline.counted);
      expect(await ask()).toEqual(r);
    });

    it('answers nothing for an empty window and selects nothing for an empty selection', async () => {
      const none = await h.store.attributeCounts({ filter: { start: at(5000), end: at(6000) as UnixNanos }, selection: { errors: true }, topValues: 5, maxSpans: 100 });
      expect(none).toEqual({ selection: { spans: 0, counted: 0, marginPercent: 0 }, baseline: { spans: 0, counted: 0, marginPercent: 0 }, sampled: false, keys: [] });
      const empty = await h.store.attributeCounts({ filter: WINDOW, selection: {}, topValues: 5, maxSpans: 100 });
      expect([empty.selection.spans, empty.baseline.spans]).toEqual([0, 8]);
    });
  });
}
