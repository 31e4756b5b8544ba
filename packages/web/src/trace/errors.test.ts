import { describe, expect, it } from 'vitest';
import { nextError } from './errors.js';
import { viewOf } from './test-view.js';

//   root |0 ─────────── 10|
//     a   |1 ─── 5|           ← error
//       a1  |2 3|             ← error
//     b            |6 7|
//     c                |8 9|  ← error
const a = { service: 's', name: 'a', at: 1, ms: 4, error: true, children: [{ service: 's', name: 'a1', at: 2, ms: 1, error: true }] };
const { view, at } = viewOf({ service: 's', name: 'root', at: 0, ms: 10, children: [a, { service: 's', name: 'b', at: 6, ms: 1 }, { service: 's', name: 'c', at: 8, ms: 1, error: true }] });

describe('nextError', () => {
  it('starts at the first error span in tree order, wherever the selection is', () => {
    expect(nextError(view, undefined)).toBe(at('a'));
    expect(nextError(view, at('b'))).toBe(at('a'));
  });

  it('walks on from a selected error span and comes round again', () => {
    expect(nextError(view, at('a'))).toBe(at('a1'));
    expect(nextError(view, at('a1'))).toBe(at('c'));
    expect(nextError(view, at('c'))).toBe(at('a'));
  });

  it('finds none in a trace without errors', () => {
    const ok = viewOf({ service: 's', name: 'root', at: 0, ms: 1 });
    expect(nextError(ok.view, undefined)).toBeUndefined();
  });
});
