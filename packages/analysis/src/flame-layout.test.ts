import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import { flameLayout } from './flame-layout.js';
import { buildSpanTree } from './span-tree.js';

describe('flameLayout', () => {
  it('places each span at its depth and its own time, saying which part lies inside its parent', () => {
    const spans = drawTrace(`
      A .    |----------|
      B A     |----|
      C B       |-------|
      D A                  |--|
      O X              |--|
    `);
    const layout = flameLayout(spans, buildSpanTree(spans));
    expect(layout.bars).toEqual([
      { depth: 0, offset: 0, width: 11, inside: { start: 0, end: 11 } }, // A
      { depth: 1, offset: 1, width: 5, inside: { start: 1, end: 6 } }, // B
      { depth: 2, offset: 3, width: 8, inside: { start: 3, end: 6 } }, // C outlives B: drawn whole, 3–6 inside B
      { depth: 1, offset: 14, width: 3, inside: null }, // D starts after A ended: drawn whole, none of it inside A
      { depth: 0, offset: 10, width: 3, inside: { start: 10, end: 13 } }, // O, an orphan at the root level
    ]);
    expect(layout.maxDepth).toBe(2);
    expect(layout.totalWidth).toBe(17);
  });

  //   the demo's queue step: the consumer runs after the producer (and the whole request) ended
  it('keeps a consumer that starts after its producer ended, with its own children inside it', () => {
    const spans = drawTrace(`
      req  .         |--------|
      send req           |-|
      proc send                 |------|
      book proc                   |--|
    `);
    const bars = flameLayout(spans, buildSpanTree(spans)).bars;
    expect(bars[2]).toEqual({ depth: 2, offset: 11, width: 7, inside: null });
    expect(bars[3]).toEqual({ depth: 3, offset: 13, width: 3, inside: { start: 13, end: 16 } });
  });

  it('counts a zero-length span within its parent as inside, and one touching its parent from outside as not', () => {
    const spans = drawTrace(`
      A .  |----|
      Z A    |
      T A       |--|
    `);
    const bars = flameLayout(spans, buildSpanTree(spans)).bars;
    expect(bars[1]).toEqual({ depth: 1, offset: 2, width: 0, inside: { start: 2, end: 2 } });
    expect(bars[2]).toEqual({ depth: 1, offset: 5, width: 3, inside: null });
  });

  it('lays out nothing for no spans', () => {
    expect(flameLayout([], buildSpanTree([]))).toEqual({ bars: [], maxDepth: 0, totalWidth: 0 });
  });
});
