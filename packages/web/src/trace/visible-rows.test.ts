import { describe, expect, it } from 'vitest';
import { viewOf } from './test-view.js';
import { collapsedAncestors, visibleRows } from './visible-rows.js';

//   root |0 ─────────── 10|
//     a   |1 ──── 5|
//       a1  |2 3|
//       a2    |3 4|
//     b            |6 ─ 9|
const { view, at } = viewOf({
  service: 's',
  name: 'root',
  at: 0,
  ms: 10,
  children: [
    { service: 's', name: 'a', at: 1, ms: 4, children: [{ service: 's', name: 'a1', at: 2, ms: 1 }, { service: 's', name: 'a2', at: 3, ms: 1 }] },
    { service: 't', name: 'b', at: 6, ms: 3 },
  ],
});
const names = (rows: Int32Array) => [...rows].map((i) => view.timed[i]!.name);

describe('visibleRows', () => {
  it('lists every span in tree order when nothing is folded', () => {
    expect(names(visibleRows(view, new Set()))).toEqual(['root', 'a', 'a1', 'a2', 'b']);
    expect(view.descendants[at('root')]).toBe(4);
    expect(view.descendants[at('a')]).toBe(2);
  });

  it('skips the descendants of folded spans', () => {
    expect(names(visibleRows(view, new Set([at('a')])))).toEqual(['root', 'a', 'b']);
    expect(names(visibleRows(view, new Set([at('root'), at('a')])))).toEqual(['root']);
  });

  it('names the folded ancestors that hide a span', () => {
    expect(collapsedAncestors(view, at('a2'), new Set([at('root'), at('a'), at('b')]))).toEqual([at('a'), at('root')]);
  });
});
