import { formatNanos } from '../../format/duration.js';
import { windowTicks } from '../time-window.js';
import type { TimeWindow } from '../time-window.js';

const TICKS = 5;

/** Column headings: the tree column's title and tick times across the visible window. */
export function TimeRuler({ window: w }: { window: TimeWindow }) {
  return (
    <div className="wf-ruler">
      <div className="wf-name">Service and operation</div>
      <div className="wf-timeline">
        {windowTicks(w, TICKS).map((t, i) => (
          <span key={i} className="wf-tick" style={{ left: `${(i * 100) / TICKS}%` }}>
            {formatNanos(t)}
          </span>
        ))}
      </div>
    </div>
  );
}
