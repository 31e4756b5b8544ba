import { describe, expect, it } from 'vitest';
import { criticalPath } from './critical-path.js';
import { drawTrace } from './draw-trace.js';
import { buildSpanTree } from './span-tree.js';

/**
 * The critical path of a drawn trace as "span start-end" strings, in the walk's order (latest first). A column is a
 * nanosecond, so the clock's slack is given in columns: none by default, which is Jaeger UI's walk exactly.
 */
function path(picture: string, clockSlackNs = 0): string[] {
  const spans = drawTrace(picture);
  return criticalPath(spans, buildSpanTree(spans), clockSlackNs).sections.map((s) => `${spans[s.span]!.spanId} ${s.start}-${s.end}`);
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

  describe('with a clock slack (2 columns here; a millisecond by default, for the OpenTelemetry JS SDK\'s start stamps)', () => {
    it.each([
      [
        'a call seeming to end just after the next began is still waited for, up to where the next began',
        `
        A .    |------------------|
        B A     |------|
        C A           |--------|
        `,
        ['A 16-19', 'C 7-16', 'B 1-7', 'A 0-1'],
      ],
      [
        'an overlap longer than the slack is a call running beside the next, as without it',
        `
        A .    |------------------|
        B A     |---------|
        C A           |--------|
        `,
        ['A 16-19', 'C 7-16', 'A 0-7'],
      ],
      [
        'below a call cut that way, what lies wholly after the cut is left out',
        `
        A .    |------------------|
        B A     |------|
        D B        |-|
        E B           ||
        C A           |--------|
        `,
        ['A 16-19', 'C 7-16', 'B 6-7', 'D 4-6', 'B 1-4', 'A 0-1'],
      ],
    ])('%s', (_case, picture, expected) => expect(path(picture, 2)).toEqual(expected));

    it('is a millisecond by default', () => {
      const ms = 1_000_000;
      const at = (spanId: string, parentSpanId: string | null, start: number, end: number) => ({ spanId, parentSpanId, start, end, service: 's', name: spanId, error: false });
      // Two queries one after the other, the first stamped as ending 0.4 ms after the second began.
      const spans = [at('A', null, 0, 300 * ms), at('B', 'A', 2 * ms, 250.4 * ms), at('C', 'A', 250 * ms, 299 * ms)];
      const sections = criticalPath(spans, buildSpanTree(spans)).sections.map((s) => `${spans[s.span]!.spanId} ${s.start / ms}-${s.end / ms}`);
      expect(sections).toEqual(['A 299-300', 'C 250-299', 'B 2-250', 'A 0-2']);
    });
  });

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
