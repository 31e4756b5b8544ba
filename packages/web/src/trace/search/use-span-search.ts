import { useDeferredValue, useMemo, useState } from 'react';
import { useTraceSearch } from '../../api/use-trace.js';
import type { TraceView } from '../trace-view.js';
import { matchSpans } from './match-spans.js';

/**
 * Search text, its matches and a cursor over them. Service, name and id match here at once (computed off the typing
 * path for large traces); the server adds the spans that match by their attributes when it answers.
 */
export function useSpanSearch(view: TraceView) {
  const [text, setText] = useState('');
  const deferred = useDeferredValue(text);
  const byAttributes = useTraceSearch(view.outline.traceId, deferred.trim());
  const found = byAttributes.data?.spans;
  const result = useMemo(() => matchSpans(view, deferred, found), [view, deferred, found]);
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
  return { text, setText: update, flags: result?.flags, count, cursor: Math.max(0, cursor), step, searchingAttributes: byAttributes.isFetching };
}
