import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import { selfTimes } from './self-time.js';
import { buildSpanTree } from './span-tree.js';

function selfOf(picture: string): Record<string, number> {
  const spans = drawTrace(picture);
  const self = selfTimes(spans, buildSpanTree(spans));
  return Object.fromEntries(spans.map((s, i) => [s.spanId, self[i]!]));
}

describe('selfTimes', () => {
  it.each([
    [
      'a leaf is all self time; a parent loses its children’s time',
      `
      A .    |----------|
      B A      |---|
      C A            |--|
      `,
      { A: 11 - 4 - 3, B: 4, C: 3 },
    ],
    [
      'overlapping children count once',
      `
      A .    |----------|
      B A     |----|
      C A        |----|
      `,
      { A: 11 - 8, B: 5, C: 5 },
    ],
    [
      'a child sticking out of its parent counts only inside it',
      `
      A .    |------|
      B A        |-------|
      `,
      { A: 4, B: 8 },
    ],
    [
      'a child wholly outside its parent takes nothing from it',
      `
      A .    |----|
      B A            |--|
      `,
      { A: 5, B: 3 },
    ],
    [
      'grandchildren count against their parent, not their grandparent',
      `
      A .    |----------|
      B A     |------|
      C B      |--|
      `,
      { A: 11 - 7, B: 7 - 3, C: 3 },
    ],
    [
      'one child containing another',
      `
      A .    |----------|
      B A     |-------|
      C A       |--|
      `,
      { A: 11 - 8, B: 8, C: 3 },
    ],
    [
      'a lone span is all self time',
      `
      A .    |---|
      `,
      { A: 4 },
    ],
  ])('%s', (_case, picture, expected) => expect(selfOf(picture)).toEqual(expected));

  it('clamps a negative duration to 0', () => {
    const spans = [{ spanId: 'a', parentSpanId: null, start: 10, end: 5, service: 's', name: 'n', error: false }];
    expect([...selfTimes(spans, buildSpanTree(spans))]).toEqual([0]);
  });
});
