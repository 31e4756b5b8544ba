import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import type { TimedSpan } from './timed-span.js';
import type { DiffNode } from './trace-diff.js';
import { traceDiff } from './trace-diff.js';

/** A drawn trace whose operation names are the span ids without their trailing digits (get1, get2 → get). */
const draw = (picture: string): TimedSpan[] => drawTrace(picture).map((s) => ({ ...s, name: s.spanId.replace(/\d+$/, '') }));

/** Each node as "indent service name a/b presence". */
const rows = (nodes: readonly DiffNode[]): string[] =>
  nodes.map((n) => `${'  '.repeat(n.depth)}${n.service} ${n.name}${n.leaf ? ' (leaf)' : ''} ${n.a.count}/${n.b.count} ${n.presence}`);

describe('traceDiff', () => {
  it('aligns by service + operation path and counts each node in both traces', () => {
    const a = draw(`
      cart .          web  |--------------------|
      get1 cart       web    |--|
      api1 get1       shop    |-|
      get2 cart       web        |--|
      api2 get2       shop        |-|
      pay cart        web                |----|
    `);
    const b = draw(`
      cart .          web  |------------------------------|
      get1 cart       web    |--|
      api1 get1       shop    |-|
      get2 cart       web        |--|
      api2 get2       shop        |-|
      get3 cart       web            |--|
      api3 get3       shop            |-|
      mail cart       web                    |--|
    `);
    const diff = traceDiff(a, b);
    expect(rows(diff.nodes)).toEqual([
      'web cart 1/1 both',
      '  web get 2/3 both',
      '    shop api (leaf) 2/3 both',
      '  web pay (leaf) 1/0 onlyA',
      '  web mail (leaf) 0/1 onlyB',
    ]);
    const get = diff.nodes[1]!;
    expect(get.a.totalTime).toBe(6);
    expect(get.b.totalTime).toBe(9);
    expect(get.a.selfTime).toBe(2); // each 3 ns get waits 2 ns on its api call
    expect(get.a.spans).toEqual([1, 3]);
    expect(diff.nodes.map((n) => n.parent)).toEqual([-1, 0, 1, 0, 0]);
    expect([diff.a.spanCount, diff.b.spanCount, diff.a.duration, diff.b.duration]).toEqual([6, 8, 21, 31]);
  });

  it('keeps a leaf apart from a span of the same name that has children, as Jaeger does', () => {
    const a = draw(`
      root .   |--------|
      q1 root    |--|
      sql1 q1     |-|
    `);
    const b = draw(`
      root .   |--------|
      q1 root    |--|
    `);
    expect(rows(traceDiff(a, b).nodes)).toEqual(['svc root 1/1 both', '  svc q 1/0 onlyA', '    svc sql (leaf) 1/0 onlyA', '  svc q (leaf) 0/1 onlyB']);
  });

  it('does not merge the same operation reached along different paths', () => {
    const a = draw(`
      root .  |----------|
      x1 root  |---|
      db1 x1    |-|
      y1 root       |---|
      db2 y1         |-|
    `);
    expect(rows(traceDiff(a, a).nodes)).toEqual([
      'svc root 1/1 both',
      '  svc x 1/1 both',
      '    svc db (leaf) 1/1 both',
      '  svc y 1/1 both',
      '    svc db (leaf) 1/1 both',
    ]);
  });

  it('puts each trace\'s critical-path time on its nodes', () => {
    //          0    5    10   15
    const a = draw(`
      root .   |---------|
      slow1 root |-----|
    `);
    const b = draw(`
      root .   |--------------|
      slow1 root |----------|
    `);
    const diff = traceDiff(a, b);
    const [root, slow] = diff.nodes;
    expect([root!.a.criticalTime, slow!.a.criticalTime]).toEqual([4, 6]);
    expect([root!.b.criticalTime, slow!.b.criticalTime]).toEqual([4, 11]);
    expect(diff.b.criticalPath.sections.map((s) => b[s.span]!.spanId)).toEqual(['root', 'slow1', 'root']);
  });

  it('aligns orphans at the root level and handles empty traces', () => {
    const a = draw(`
      o1 missing |--|
    `);
    expect(rows(traceDiff(a, []).nodes)).toEqual(['svc o (leaf) 1/0 onlyA']);
    expect(traceDiff([], []).nodes).toEqual([]);
  });

  it('walks a 50,000-deep chain without running out of stack', () => {
    const chain = (n: number): TimedSpan[] =>
      Array.from({ length: n }, (_, i) => ({ spanId: `s${i}`, parentSpanId: i === 0 ? null : `s${i - 1}`, start: i, end: 2 * n - i, service: 'svc', name: 'op', error: false }));
    const diff = traceDiff(chain(50_000), chain(49_999));
    // 49,998 inner spans shared; at depth 49,998 A has an inner span (then its leaf) where B has its leaf.
    expect(diff.nodes).toHaveLength(50_001);
    expect(diff.nodes.filter((n) => n.presence !== 'both').map((n) => `${n.depth} ${n.presence}`)).toEqual(['49998 onlyA', '49999 onlyA', '49998 onlyB']);
  });
});
