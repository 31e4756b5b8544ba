import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import { flameLayout } from './flame-layout.js';
import { buildSpanTree } from './span-tree.js';

describe('flameLayout', () => {
  it('places each span at its depth and time, clipped inside its parent', () => {
    const spans = drawTrace(`
      A .    |----------|
      B A     |----|
      C B       |-------|
      D A                  |--|
      O X              |--|
    `);
    const layout = flameLayout(spans, buildSpanTree(spans));
    expect(layout.bars).toEqual([
      { depth: 0, offset: 0, width: 11 }, // A
      { depth: 1, offset: 1, width: 5 }, // B
      { depth: 2, offset: 3, width: 3 }, // C, clipped to B's end
      { depth: 1, offset: 14, width: 0 }, // D, wholly outside A: nothing to draw
      { depth: 0, offset: 10, width: 3 }, // O, an orphan at the root level
    ]);
    expect(layout.maxDepth).toBe(2);
    expect(layout.totalWidth).toBe(13);
  });

  it('lays out nothing for no spans', () => {
    expect(flameLayout([], buildSpanTree([]))).toEqual({ bars: [], maxDepth: 0, totalWidth: 0 });
  });
});
