import { LOOKBACKS } from './search-state.js';
import type { Lookback } from './search-state.js';

interface Props {
  lookback: Lookback | 'custom';
  start: number | undefined;
  end: number | undefined;
  onChange(next: { lookback: Lookback | 'custom'; start: number | undefined; end: number | undefined }): void;
}

/** A relative window ("last 1h") or, with "custom", an absolute one in local time. */
export function TimeRange({ lookback, start, end, onChange }: Props) {
  return (
    <div className="time-range">
      <select
        aria-label="Time range"
        value={lookback}
        onChange={(e) => {
          const next = e.target.value as Lookback | 'custom';
          // Switching to custom starts from the window that was showing, so the user edits rather than types.
          const now = Date.now();
          const from = lookback === 'custom' ? start : now - LOOKBACKS[lookback];
          onChange(next === 'custom' ? { lookback: next, start: from, end: end ?? now } : { lookback: next, start: undefined, end: undefined });
        }}
      >
        {Object.keys(LOOKBACKS).map((k) => (
          <option key={k} value={k}>
            Last {k}
          </option>
        ))}
        <option value="custom">Custom range</option>
      </select>
      {lookback === 'custom' && (
        <>
          <input type="datetime-local" aria-label="From" step="1" value={toLocalInput(start)} onChange={(e) => onChange({ lookback, start: fromLocalInput(e.target.value), end })} />
          <span className="muted">to</span>
          <input type="datetime-local" aria-label="To" step="1" value={toLocalInput(end)} onChange={(e) => onChange({ lookback, start, end: fromLocalInput(e.target.value) })} />
        </>
      )}
    </div>
  );
}

function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60e3);
  return d.toISOString().slice(0, 19);
}

function fromLocalInput(v: string): number | undefined {
  const ms = new Date(v).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
