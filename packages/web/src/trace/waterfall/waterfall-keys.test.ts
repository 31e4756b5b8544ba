import { describe, expect, it } from 'vitest';
import { viewOf } from '../test-view.js';
import { visibleRows } from '../visible-rows.js';
import { waterfallKeyAction } from './waterfall-keys.js';

// root → a → a1, and root → b
const { view, at } = viewOf({
  service: 's',
  name: 'root',
  at: 0,
  ms: 10,
  children: [{ service: 's', name: 'a', at: 1, ms: 4, children: [{ service: 's', name: 'a1', at: 2, ms: 1 }] }, { service: 's', name: 'b', at: 6, ms: 3 }],
});
const press = (key: string, selected: number | undefined, collapsed: ReadonlySet<number> = new Set()) =>
  waterfallKeyAction(key, { view, rows: visibleRows(view, collapsed), selected, collapsed });

describe('waterfallKeyAction', () => {
  it.each([
    ['ArrowDown', undefined, { type: 'select', span: at('root') }],
    ['ArrowDown', 'a1', { type: 'select', span: at('b') }],
    ['ArrowDown', 'b', { type: 'select', span: at('b') }],
    ['ArrowUp', 'b', { type: 'select', span: at('a1') }],
    ['ArrowRight', 'a', { type: 'select', span: at('a1') }],
    ['ArrowLeft', 'a', { type: 'fold', span: at('a'), folded: true }],
    ['ArrowLeft', 'a1', { type: 'select', span: at('a') }],
    ['ArrowRight', 'a1', undefined],
    ['Enter', 'b', { type: 'open', span: at('b') }],
    ['End', 'root', { type: 'select', span: at('b') }],
  ] as const)('%s on %s', (key, name, action) => {
    expect(press(key, name === undefined ? undefined : at(name))).toEqual(action);
  });

  it('unfolds a folded span before stepping into it, and skips hidden rows', () => {
    const folded = new Set([at('a')]);
    expect(press('ArrowRight', at('a'), folded)).toEqual({ type: 'fold', span: at('a'), folded: false });
    expect(press('ArrowDown', at('a'), folded)).toEqual({ type: 'select', span: at('b') });
  });
});
