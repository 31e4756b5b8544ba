import type { TraceView } from './trace-view.js';

/**
 * The error span to jump to: the first in tree order, or, when an error span is selected already, the next one
 * after it (round to the first again), so that pressing "N errors" again walks through them. Undefined without errors.
 */
export function nextError(view: TraceView, selected: number | undefined): number | undefined {
  if (view.errorCount === 0) return undefined;
  const from = selected !== undefined && view.isError[selected] === 1 ? view.order.indexOf(selected) + 1 : 0;
  const n = view.order.length;
  for (let k = 0; k < n; k++) {
    const span = view.order[(from + k) % n]!;
    if (view.isError[span] === 1) return span;
  }
  return undefined;
}
