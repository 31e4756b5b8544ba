import { useCallback, useState } from 'react';

/**
 * Which spans have their subtree folded: one Set in one state for the whole trace (no state per row). Toggles
 * return a new Set so React sees the change.
 */
export function useCollapsed() {
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const toggle = useCallback((span: number) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(span)) next.add(span);
      return next;
    });
  }, []);
  const set = useCallback((span: number, folded: boolean) => {
    setCollapsed((prev) => {
      if (prev.has(span) === folded) return prev;
      const next = new Set(prev);
      if (folded) next.add(span);
      else next.delete(span);
      return next;
    });
  }, []);
  const expandAll = useCallback(() => setCollapsed(new Set()), []);
  const reveal = useCallback((spans: readonly number[]) => {
    if (spans.length === 0) return;
    setCollapsed((prev) => {
      const next = new Set(prev);
      for (const s of spans) next.delete(s);
      return next;
    });
  }, []);
  return { collapsed, toggle, set, expandAll, reveal, replace: setCollapsed };
}
