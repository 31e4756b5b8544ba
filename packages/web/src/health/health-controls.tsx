import { HEALTH_SPAN_KINDS, HEALTH_WINDOWS, REFRESHES } from './health-view.js';
import type { HealthSpanKind, HealthView, HealthWindowName, RefreshName } from './health-view.js';

interface Props {
  view: HealthView;
  onChange(next: HealthView): void;
  /** The service map pairs every kind of span, so it has no kind to choose. */
  showSpanKind?: boolean;
  fetching: boolean;
  onRefresh(): void;
}

/** The window (last 15m … 7d), the span kind the figures are read from, and auto refresh. */
export function HealthControls({ view, onChange, showSpanKind = true, fetching, onRefresh }: Props) {
  return (
    <div className="health-controls">
      {showSpanKind && (
        <label>
          Span kind
          <select aria-label="Span kind" value={view.spanKind} onChange={(e) => onChange({ ...view, spanKind: e.target.value as HealthSpanKind })}>
            {HEALTH_SPAN_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
      )}
      <div className="window-picker" role="group" aria-label="Time window">
        {(Object.keys(HEALTH_WINDOWS) as HealthWindowName[]).map((w) => (
          <button key={w} type="button" aria-pressed={view.window === w} className={view.window === w ? 'primary' : undefined} onClick={() => onChange({ ...view, window: w })}>
            {w}
          </button>
        ))}
      </div>
      <label>
        Refresh
        <select aria-label="Auto refresh" value={view.refresh} onChange={(e) => onChange({ ...view, refresh: e.target.value as RefreshName })}>
          {(Object.keys(REFRESHES) as RefreshName[]).map((r) => (
            <option key={r} value={r}>
              {r === 'off' ? 'Off' : `Every ${r}`}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={onRefresh} title="Read the figures again now" aria-label="Refresh now" className={fetching ? 'spinning' : undefined}>
        ↻
      </button>
    </div>
  );
}
