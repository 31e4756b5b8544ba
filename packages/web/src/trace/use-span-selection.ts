import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { TraceView } from './trace-view.js';

/** How long the selection rests before the URL follows it: holding an arrow key must not flood the history API. */
const URL_DELAY_MS = 200;

/**
 * The selected span, kept in the URL as `?span=<spanId>` (replaced, not pushed, so the back button leaves the trace
 * rather than stepping through clicks). A URL naming a span selects it, on opening and when a link within the trace
 * changes it; `onFollow` is told then, to unfold and scroll to it.
 */
export function useSpanSelection(view: TraceView, onFollow: (span: number) => void) {
  const [params, setParams] = useSearchParams();
  const urlSpan = params.get('span');
  const [selected, setSelected] = useState(() => indexOfSpan(view, urlSpan));
  const follow = useRef(onFollow);
  follow.current = onFollow;
  /** The span id the URL last held as far as this hook knows: seeing its own write come back is not a new place to go. */
  const written = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (urlSpan === written.current) return;
    written.current = urlSpan ?? undefined;
    const i = indexOfSpan(view, urlSpan);
    if (i !== undefined) follow.current(i);
  }, [view, urlSpan]);

  useEffect(() => {
    if (selected === undefined) return;
    const id = view.timed[selected]!.spanId;
    if (id === urlSpan) return;
    const timer = setTimeout(() => {
      written.current = id;
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.set('span', id);
          return next;
        },
        { replace: true },
      );
    }, URL_DELAY_MS);
    return () => clearTimeout(timer);
  }, [view, selected, urlSpan, setParams]);

  return [selected, setSelected] as const;
}

function indexOfSpan(view: TraceView, spanId: string | null): number | undefined {
  if (!spanId) return undefined;
  const id = spanId.toLowerCase();
  const i = view.timed.findIndex((s) => s.spanId === id);
  return i >= 0 ? i : undefined;
}
