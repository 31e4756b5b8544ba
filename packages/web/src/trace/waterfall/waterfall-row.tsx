import { memo } from 'react';
import { formatNanos } from '../../format/duration.js';
import { serviceColor } from '../../format/service-colors.js';
import { spanEvents } from '../span-events.js';
import { percentIn } from '../time-window.js';
import type { TimeWindow } from '../time-window.js';
import type { TraceView } from '../trace-view.js';
import { durationLabelPlace, labelWidthPx } from './duration-label.js';

export const ROW_HEIGHT = 24;
const INDENT_PX = 14;
/** Deeper levels stop indenting so names stay readable in very deep traces. */
const MAX_INDENT_LEVELS = 24;

interface Props {
  view: TraceView;
  span: number;
  top: number;
  window: TimeWindow;
  selected: boolean;
  match: boolean;
  collapsed: boolean;
  showCritical: boolean;
  /** The timeline's width in pixels (0 before layout), to place the duration label where it fits. */
  timelinePx: number;
  onSelect(span: number): void;
  onToggle(span: number): void;
}

/** One span: tree column (indent, fold button, service and name) and its bar on the timeline. */
export const WaterfallRow = memo(function WaterfallRow(p: Props) {
  const { view, span, window: w } = p;
  const s = view.timed[span]!;
  const service = view.serviceNames[view.service[span]!]!;
  const color = serviceColor(service);
  const offset = view.offset[span]!;
  const duration = view.duration[span]!;
  const left = percentIn(w, offset);
  const width = Math.max(0.15, percentIn(w, offset + duration) - left);
  const error = view.isError[span] === 1;
  const children = view.childCount[span]!;
  const depth = Math.min(view.depth[span]!, MAX_INDENT_LEVELS);
  const cls = `wf-row${p.selected ? ' selected' : ''}${p.match ? ' match' : ''}${error ? ' error' : ''}`;

  return (
    <div
      className={cls}
      style={{ transform: `translateY(${p.top}px)` }}
      role="treeitem"
      aria-level={view.depth[span]! + 1}
      aria-selected={p.selected}
      aria-expanded={children > 0 ? !p.collapsed : undefined}
      data-span-id={s.spanId}
      onClick={() => p.onSelect(span)}
    >
      <div className="wf-name" style={{ paddingLeft: depth * INDENT_PX + 4 }}>
        {children > 0 ? (
          <button
            type="button"
            className="wf-toggle"
            tabIndex={-1}
            aria-label={p.collapsed ? `Expand ${children} children` : 'Collapse children'}
            onClick={(e) => {
              e.stopPropagation();
              p.onToggle(span);
            }}
          >
            {p.collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="wf-toggle-space" />
        )}
        <span className="swatch" style={{ background: color }} />
        {error && <span className="wf-error-mark" title="error">!</span>}
        <span className="wf-service">{service}</span>
        <span className="wf-op">{s.name}</span>
        {p.collapsed && <span className="badge">{view.descendants[span]}</span>}
      </div>
      <div className="wf-timeline">
        <div className="wf-bar" style={{ left: `${left}%`, width: `${width}%`, background: color }}>
          {p.showCritical && view.critical.bySpan.get(span)?.map((c, i) => (
            <div
              key={i}
              className="wf-critical"
              style={{ left: `${((c.start - offset) / Math.max(1, duration)) * 100}%`, width: `${((c.end - c.start) / Math.max(1, duration)) * 100}%` }}
            />
          ))}
          {spanEvents(view, span).map((e, i) => (
            <div key={i} className="wf-event" title={e.name} style={{ left: `${((e.time - offset) / Math.max(1, duration)) * 100}%` }} />
          ))}
        </div>
        <DurationLabel text={formatNanos(duration)} left={left} width={width} timelinePx={p.timelinePx} />
      </div>
    </div>
  );
});

/** The span's duration inside its bar when the bar is long enough, else beside it on whichever side has room. */
function DurationLabel({ text, left, width, timelinePx }: { text: string; left: number; width: number; timelinePx: number }) {
  const place = durationLabelPlace(left, width, timelinePx, labelWidthPx(text));
  const style =
    place === 'inside'
      ? { right: `${100 - Math.min(100, left + width)}%` }
      : place === 'before'
        ? { right: `${100 - left}%` }
        : { left: `${left + width}%` };
  return (
    <span className={`wf-duration ${place}`} style={style}>
      {text}
    </span>
  );
}
