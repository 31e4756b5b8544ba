import { describe, expect, it } from 'vitest';
import { criticalPath } from './critical-path.js';
import { drawTrace } from './draw-trace.js';
import { buildSpanTree } from './span-tree.js';

/** The critical path of a drawn trace as "span start-end" strings, in the walk's order (latest first). */
function path(picture: string): string[] {
  const spans = drawTrace(picture);
  return criticalPath(spans, buildSpanTree(spans)).sections.map((s) => `${spans[s.span]!.spanId} ${s.start}-${s.end}`);
}

describe('criticalPath', () => {
  it.each([
    [
      'sequential children: the path alternates between the parent and each child',
      //       0    5    10   15   20
      `
      A .    |------------------|
      B A      |-----|
      C A              |-----|
      `,
      ['A 16-19', 'C 10-16', 'A 8-10', 'B 2-8', 'A 0-2'],
    ],
    [
      'overlapping children: B finished after C started, so only C is waited for',
      `
      A .    |------------------|
      B A      |--------|
      C A           |--------|
      `,
      ['A 16-19', 'C 7-16', 'A 0-7'],
    ],
    [
      'a child running past its parent is clipped to it',
      `
      A .    |----------|
      B A          |---------|
      `,
      ['B 6-11', 'A 0-6'],
    ],
    [
      'a child wholly outside its parent is dropped, with its children',
      `
      A .    |-----|
      B A             |----|
      C B              |-|
      `,
      ['A 0-6'],
    ],
    [
      'nested: the walk goes down through the last finisher at every level',
      `
      A .    |--------------------|
      B A     |-------------|
      C B       |----|
      D B             |----|
      E A      |--|
      `,
      ['A 15-21', 'B 14-15', 'D 9-14', 'B 8-9', 'C 3-8', 'B 1-3', 'A 0-1'],
    ],
    [
      'a child ending exactly when the next one starts is not waited for (Jaeger UI compares strictly)',
      `
      A .    |----------|
      B A     |--|
      C A        |---|
      `,
      ['A 8-11', 'C 4-8', 'A 0-4'],
    ],
    [
      'a child starting with its parent, at time 0 (Jaeger UI would loop here: it treats 0 as "no time")',
      `
      A .    |-----|
      B A    |--|
      `,
      ['A 3-6', 'B 0-3'],
    ],
    [
      'two root-level spans (a root and an orphan) are walked one after the other',
      `
      A .    |----|
      O X       |-----|
      P O        |-|
      `,
      ['A 0-5', 'O 6-9', 'P 4-6', 'O 3-4'],
    ],
    [
      'a zero-length child adds no section but still splits its parent',
      `
      A .    |----|
      B A      |
      `,
      ['A 2-5', 'A 0-2'],
    ],
  ])('%s', (_case, picture, expected) => expect(path(picture)).toEqual(expected));

  it('groups sections by span', () => {
    const spans = drawTrace(`
      A .    |------------------|
      B A      |-----|
      C A              |-----|
    `);
    const { bySpan } = criticalPath(spans, buildSpanTree(spans));
    expect(bySpan.get(0)!.map((s) => [s.start, s.end])).toEqual([
      [16, 19],
      [8, 10],
      [0, 2],
    ]);
    expect(bySpan.get(1)).toEqual([{ span: 1, start: 2, end: 8 }]);
  });

  it('walks a 50,000-deep chain and a 50,000-child fan without recursion', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => ({ spanId: `s${i}`, parentSpanId: i === 0 ? null : `s${i - 1}`, start: i, end: 100_000 - i, service: 's', name: 'n', error: false }));
    expect(criticalPath(chain, buildSpanTree(chain)).sections).toHaveLength(2 * 50_000 - 1);
    const fan = Array.from({ length: 50_000 }, (_, i) => ({ spanId: `s${i}`, parentSpanId: i === 0 ? null : 's0', start: 2 * i, end: 2 * i + 1, service: 's', name: 'n', error: false }));
    fan[0] = { ...fan[0]!, start: 0, end: 100_000 };
    expect(criticalPath(fan, buildSpanTree(fan)).sections).toHaveLength(2 * 50_000 - 1);
  });
});
