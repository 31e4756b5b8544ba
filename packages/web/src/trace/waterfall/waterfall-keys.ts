import type { TraceView } from '../trace-view.js';

export interface KeyContext {
  view: TraceView;
  rows: Int32Array;
  selected: number | undefined;
  collapsed: ReadonlySet<number>;
}

/** What a key does in the waterfall, as in a tree view: a new selection, a fold to set, or the detail to open. */
export type KeyAction =
  | { type: 'select'; span: number }
  | { type: 'fold'; span: number; folded: boolean }
  | { type: 'open'; span: number }
  | undefined;

/**
 * Up/down move between visible rows; right unfolds, then steps to the first child; left folds, then steps to the
 * parent; Enter opens the selected span's detail. Home/End jump to the first and last row.
 */
export function waterfallKeyAction(key: string, c: KeyContext): KeyAction {
  if (c.rows.length === 0) return undefined;
  const sel = c.selected;
  const at = sel === undefined ? -1 : c.rows.indexOf(sel);
  switch (key) {
    case 'ArrowDown':
      return { type: 'select', span: c.rows[Math.min(c.rows.length - 1, at + 1)]! };
    case 'ArrowUp':
      return { type: 'select', span: c.rows[Math.max(0, at - 1)]! };
    case 'Home':
      return { type: 'select', span: c.rows[0]! };
    case 'End':
      return { type: 'select', span: c.rows[c.rows.length - 1]! };
  }
  if (sel === undefined || at < 0) return key.startsWith('Arrow') ? { type: 'select', span: c.rows[0]! } : undefined;
  const hasChildren = c.view.childCount[sel]! > 0;
  switch (key) {
    case 'ArrowRight':
      if (hasChildren && c.collapsed.has(sel)) return { type: 'fold', span: sel, folded: false };
      return hasChildren ? { type: 'select', span: c.rows[at + 1]! } : undefined;
    case 'ArrowLeft':
      if (hasChildren && !c.collapsed.has(sel)) return { type: 'fold', span: sel, folded: true };
      return c.view.parent[sel]! >= 0 ? { type: 'select', span: c.view.parent[sel]! } : undefined;
    case 'Enter':
      return { type: 'open', span: sel };
  }
  return undefined;
}
