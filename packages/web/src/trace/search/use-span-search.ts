import { useDeferredValue, useMemo, useState } from 'react';
import type { TraceView } from '../trace-view.js';
import { matchSpans } from './match-spans.js';

/** Search text, its matches (computed off the typing path for large traces) and a cursor over them. */
export function useSpanSearch(view: TraceView) {
  const [text, setText] = useState('');
  const deferred = useDeferredValue(text);
  const result = useMemo(() => matchSpans(view, deferred), [view, deferred]);
  const [cursor, setCursor] = useState(0);
  const count = result?.inOrder.length;
  /** Moves the cursor and returns the span it lands on. */
  const step = (delta: 1 | -1): number | undefined => {
    if (!result || result.inOrder.length === 0) return undefined;
    const n = result.inOrder.length;
    const next = (cursor + delta + n) % n;
    setCursor(next);
    return result.inOrder[next];
  };
  const update = (t: string) => {
    setText(t);
    setCursor(-1);
  };
  return { text, setText: update, flags: result?.flags, count, cursor: Math.max(0, cursor), step };
}
