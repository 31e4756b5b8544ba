import { describe, expect, it } from 'vitest';
import { CriticalPathAggregator, flameGraphSpans } from './aggregate-critical-path.js';
import { drawTrace } from './draw-trace.js';
import { flameLayout } from './flame-layout.js';
import { buildSpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';

/** A drawn trace whose span names are their ids without the trailing digits, so `Q1` and `Q2` are one operation. */
const draw = (picture: string): TimedSpan[] => drawTrace(picture).map((s) => ({ ...s, name: s.spanId.replace(/\d+$/, '') }));
const ops = (agg: CriticalPathAggregator) => agg.result().operations.map((o) => `${o.service} ${o.name} ${o.totalNs} ${o.traces}`);
const flame = (agg: CriticalPathAggregator) => agg.result().flame.map((f) => `${f.parent} ${f.name} ${f.selfNs}/${f.totalNs} ${f.traces}`);

// A search: the frontend calls the catalog, which runs a quick query, then a slow one.
//        0    5    10   15   20
const search = `
  G .  web   |-------------------|
  S G  cat    |-----------------|
  C S  db      |--|
  R S  db          |-----------|
`;
// The same search with a warm cache: the slow query is short and the category query is the longer one.
const warm = `
  G .  web   |----------|
  S G  cat    |--------|
  C S  db      |----|
  R S  db            |-|
`;

describe('CriticalPathAggregator', () => {
  it('sums each operation\'s time on the critical path and its share over traces', () => {
    const agg = new CriticalPathAggregator();
    const a = draw(search);
    expect(agg.add(a, 0)).toBe(20);
    const b = draw(warm);
    expect(agg.add(b, 0)).toBe(11);
    // search: G 0-1 and 19-20, S 1-2, 5-6 and 18-19, C 2-5, R 6-18. warm: G 0-1 and 10-11, S 1-2 and 7-8, C 2-7, R 8-10.
    expect(ops(agg)).toEqual(['db R 14 2', 'db C 8 2', 'cat S 5 2', 'web G 4 2']);
    const r = agg.result();
    expect(r.traces).toBe(2);
    expect(r.totalNs).toBe(31);
    expect(r.operations[0]!.share).toBeCloseTo(14 / 31);
    expect(r.operations[0]!.meanNs).toBe(7);
    expect(r.operations.reduce((s, o) => s + o.share, 0)).toBeCloseTo(1);
  });

  it('walks below the matching span only, and leaves out spans never waited for', () => {
    // The endpoint is S, called from G: G's own time is not the endpoint's. P ran beside R and ended first (by more
    // than the clock's slack: a column here is a nanosecond, so the slack is set to none).
    const agg = new CriticalPathAggregator(0);
    const spans = draw(`
      G .  web   |-------------------|
      S G  cat    |-----------------|
      P S  db      |---|
      R S  db       |-------------|
    `);
    expect(agg.add(spans, 1)).toBe(18);
    expect(ops(agg)).toEqual(['db R 14 1', 'cat S 4 1']);
    expect(flame(agg)).toEqual(['-1 S 4/18 1', '0 R 14/14 1']);
  });

  it('merges call paths into one flame graph: the same path once, with the traces that reach it', () => {
    const agg = new CriticalPathAggregator();
    agg.add(draw(search), 0);
    agg.add(draw(warm), 0);
    // A third search that retried the slow query: R twice under the same S, one path, one trace more.
    agg.add(
      draw(`
        G .  web   |----------|
        S G  cat    |--------|
        R1 S db      |--|
        R2 S db          |--|
      `),
      0,
    );
    expect(flame(agg)).toEqual(['-1 G 6/42 3', '0 S 8/36 3', '1 R 20/20 3', '1 C 8/8 2']);
    expect(ops(agg)[0]).toBe('db R 20 3');
  });

  it('merges an aggregate from elsewhere as if its traces had been added', () => {
    const one = new CriticalPathAggregator().add(draw(search), 0);
    expect(one).toBe(20);
    const left = new CriticalPathAggregator();
    left.add(draw(search), 0);
    const right = new CriticalPathAggregator();
    right.add(draw(warm), 0);
    const both = new CriticalPathAggregator();
    both.add(draw(search), 0);
    both.add(draw(warm), 0);
    expect(left.merge(right.result()).result()).toEqual(both.result());
  });

  it('draws the merged flame graph as an icicle: children side by side from their parent\'s start, largest first', () => {
    const agg = new CriticalPathAggregator();
    agg.add(draw(search), 0);
    const spans = flameGraphSpans(agg.result().flame);
    expect(spans.map((s) => `${s.name} ${s.start}-${s.end}`)).toEqual(['G 0-20', 'S 0-18', 'R 0-12', 'C 12-15']);
    const layout = flameLayout(spans, buildSpanTree(spans));
    expect(layout.bars.map((b) => b.depth)).toEqual([0, 1, 2, 2]);
  });

  it('adds a 50,000-deep chain and a 50,000-child fan without recursion', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => ({ spanId: `s${i}`, parentSpanId: i === 0 ? null : `s${i - 1}`, start: i, end: 100_000 - i, service: 's', name: `n${i}`, error: false }));
    const agg = new CriticalPathAggregator();
    expect(agg.add(chain, 0)).toBe(100_000);
    expect(agg.result().flame).toHaveLength(50_000);
    const fan = Array.from({ length: 50_000 }, (_, i) => ({ spanId: `s${i}`, parentSpanId: i === 0 ? null : 's0', start: 2 * i, end: 2 * i + 1, service: 's', name: 'n', error: false }));
    fan[0] = { ...fan[0]!, start: 0, end: 100_000, name: 'root' };
    const fanAgg = new CriticalPathAggregator();
    expect(fanAgg.add(fan, 0)).toBe(100_000);
    expect(fanAgg.result().flame.map((f) => `${f.name} ${f.selfNs}`)).toEqual(['root 50001', 'n 49999']);
  });
});
