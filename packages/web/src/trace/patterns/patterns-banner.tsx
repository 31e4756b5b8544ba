import type { NPlusOneFinding, RetryFinding } from '@clew/api';
import { useTracePatterns } from '../../api/use-critical-path.js';
import { formatNanos } from '../../format/duration.js';
import type { TraceView } from '../trace-view.js';

interface Props {
  view: TraceView;
  /** The spans of the finding last clicked, flagged by index (the waterfall marks them), or undefined for none. */
  highlighted: Uint8Array | undefined;
  onHighlight(flags: Uint8Array | undefined, first: number | undefined): void;
}

/** What a finding's calls were: the caller's operation and, when known, what it reached. */
const callText = (f: NPlusOneFinding | RetryFinding): string =>
  `${f.service} ${f.name}${f.callee ? ` → ${f.callee.service} ${f.callee.name}` : f.detail ? ` ${f.detail}` : ''}`;

/**
 * N+1 calls and retries found in the trace (by the server), one line each; a click marks the calls in the timeline
 * and selects the first, a second click lets go.
 */
export function PatternsBanner({ view, highlighted, onHighlight }: Props) {
  const patterns = useTracePatterns(view.outline.traceId);
  const data = patterns.data;
  if (!data || (data.nPlusOne.length === 0 && data.retries.length === 0)) return null;
  const indexOf = new Map(view.timed.map((s, i) => [s.spanId, i]));
  const toggle = (spanIds: readonly string[]) => {
    const idx = spanIds.map((id) => indexOf.get(id)).filter((i): i is number => i !== undefined);
    if (idx.length === 0) return;
    if (highlighted && highlighted[idx[0]!] === 1) return onHighlight(undefined, undefined);
    const flags = new Uint8Array(view.timed.length);
    for (const i of idx) flags[i] = 1;
    onHighlight(flags, idx[0]);
  };
  const active = (spanIds: readonly string[]) => {
    const i = indexOf.get(spanIds[0]!);
    return highlighted !== undefined && i !== undefined && highlighted[i] === 1;
  };
  return (
    <div className="patterns-banner inline-note" role="note" data-testid="trace-patterns">
      {data.nPlusOne.map((f) => (
        <button key={`n${f.spanIds[0]}`} type="button" className="pattern" data-pattern="n-plus-one" aria-pressed={active(f.spanIds)} onClick={() => toggle(f.spanIds)}>
          <span className="badge pattern-badge">N+1</span> <code>{callText(f)}</code> called {f.count} times one after another ({formatNanos(f.totalNs)})
        </button>
      ))}
      {data.retries.map((f) => (
        <button key={`r${f.spanIds[0]}`} type="button" className="pattern" data-pattern="retry" aria-pressed={active(f.spanIds)} onClick={() => toggle(f.spanIds)}>
          <span className="badge error pattern-badge">retry</span> <code>{callText(f)}</code> {f.attempts} attempts, {f.failures} failed,{' '}
          {f.succeeded ? 'then succeeded' : 'gave up'} ({formatNanos(f.totalNs)})
        </button>
      ))}
    </div>
  );
}
