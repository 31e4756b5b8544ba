import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import { buildSpanTree, spanTreeFromParents } from './span-tree.js';

/** Span ids in the tree's depth-first order, indented by depth: the tree as a person reads it. */
function outline(picture: string): string[] {
  const spans = drawTrace(picture);
  const tree = buildSpanTree(spans);
  return tree.order.map((i) => '  '.repeat(tree.depth[i]!) + spans[i]!.spanId);
}

describe('buildSpanTree', () => {
  it.each([
    [
      'children by start, whatever the input order',
      `
      A .  |------------|
      C A         |---|
      B A    |--|
      D B     |-|
      `,
      ['A', '  B', '    D', '  C'],
    ],
    [
      'an orphan (parent X never arrived) sits at the root level, by start',
      `
      B X  |--|
      A .    |-------|
      C B   |-|
      `,
      ['B', '  C', 'A'],
    ],
    [
      'a cycle of parent links (A→C→B→A) is cut at its earliest span, B, which becomes a root',
      `
      A C      |------|
      B A   |---------|
      C B       |--|
      D C        |-|
      `,
      ['B', '  C', '    A', '    D'],
    ],
    [
      'a span that is its own parent becomes a root',
      `
      A A  |---|
      B A   |-|
      `,
      ['A', '  B'],
    ],
    [
      'a repeated span id resolves to its first occurrence; both stay in the tree',
      `
      A .  |------|
      A .    |--|
      B A   |-|
      `,
      ['A', '  B', 'A'],
    ],
    ['no spans', '', []],
  ])('%s', (_case, picture, expected) => expect(outline(picture)).toEqual(expected));

  it('reports orphans, cycle breaks, parents and depths', () => {
    const spans = drawTrace(`
      A C  |------|
      B A   |---|
      C B    |-|
      O Z  |--|
    `);
    const tree = buildSpanTree(spans);
    expect(tree.orphans).toEqual([3]);
    expect(tree.cycleBreaks).toEqual([0]);
    expect([...tree.parent]).toEqual([-1, 0, 1, -1]);
    expect([...tree.depth]).toEqual([0, 1, 2, 0]);
    expect(tree.roots).toEqual([0, 3]);
  });

  it('handles a 50,000-deep chain without recursion', () => {
    const spans = Array.from({ length: 50_000 }, (_, i) => ({ spanId: `s${i}`, parentSpanId: i === 0 ? null : `s${i - 1}`, start: i }));
    const tree = buildSpanTree(spans);
    expect(tree.depth[49_999]).toBe(49_999);
    expect(tree.order).toHaveLength(50_000);
  });
});

describe('spanTreeFromParents', () => {
  it('gives the same tree as buildSpanTree from resolved parent indexes, cycles broken alike', () => {
    const spans = drawTrace(`
      A C  |------|
      B A   |---|
      C B    |-|
      D .  |--|
      E D   |-|
    `);
    const byId = buildSpanTree(spans);
    const byIndex = spanTreeFromParents(spans, [2, 0, 1, -1, 3]);
    expect(byIndex.order).toEqual(byId.order);
    expect([...byIndex.parent]).toEqual([...byId.parent]);
    expect(byIndex.cycleBreaks).toEqual([0]);
    expect(byIndex.orphans).toEqual([]);
  });
});
