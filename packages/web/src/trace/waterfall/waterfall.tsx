import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { CSSProperties, KeyboardEvent } from 'react';
import { ResizeHandle } from '../../components/resize-handle.js';
import { useElementWidth } from '../../components/use-element-width.js';
import { useStoredNumber } from '../../components/use-stored-number.js';
import type { TimeWindow } from '../time-window.js';
import type { TraceView } from '../trace-view.js';
import { TimeRuler } from './time-ruler.js';
import { waterfallKeyAction } from './waterfall-keys.js';
import { ROW_HEIGHT, WaterfallRow } from './waterfall-row.js';

/** The span-name column's share of the waterfall's width, in percent, as the user last dragged it. */
const NAME_WIDTH_KEY = 'clew.waterfall.nameWidth';
const NAME_WIDTH = { fallback: 38, min: 12, max: 80 };
/** The timeline's horizontal margins (CSS `.wf-timeline`) and the name column's border. */
const TIMELINE_CHROME_PX = 17;

interface Props {
  view: TraceView;
  rows: Int32Array;
  window: TimeWindow;
  collapsed: ReadonlySet<number>;
  matches: Uint8Array | undefined;
  selected: number | undefined;
  /** Changes whenever the selection should be scrolled into view again (a jump to it), even if it is the same span. */
  scrollRequest: number;
  showCritical: boolean;
  onSelect(span: number): void;
  onToggle(span: number): void;
  onFold(span: number, folded: boolean): void;
  onOpen(span: number): void;
}

/**
 * The span tree against time. Only the rows in view (plus a margin) are mounted, so a 50,000-span trace scrolls like
 * a 50-span one; each row reads the flat arrays of the TraceView. The name column's width is dragged at its edge.
 */
export function Waterfall(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [namePct, setNamePct] = useStoredNumber(NAME_WIDTH_KEY, NAME_WIDTH.fallback, NAME_WIDTH.min, NAME_WIDTH.max);
  const rowWidth = useElementWidth(scroller);
  const timelinePx = Math.max(0, rowWidth * (1 - namePct / 100) - TIMELINE_CHROME_PX);
  const virtual = useVirtualizer({
    count: p.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });

  // Keep the selection on screen when it moves by keyboard, by search, by a jump, or arrives in the URL.
  const selectedRow = p.selected === undefined ? -1 : p.rows.indexOf(p.selected);
  useEffect(() => {
    if (selectedRow >= 0) virtual.scrollToIndex(selectedRow, { align: 'auto' });
  }, [selectedRow, p.scrollRequest, virtual]);

  const onKeyDown = (e: KeyboardEvent) => {
    const action = waterfallKeyAction(e.key, { view: p.view, rows: p.rows, selected: p.selected, collapsed: p.collapsed });
    if (!action) return;
    e.preventDefault();
    if (action.type === 'select') p.onSelect(action.span);
    else if (action.type === 'fold') p.onFold(action.span, action.folded);
    else p.onOpen(action.span);
  };
  const dragTo = (clientX: number) => {
    const r = box.current!.getBoundingClientRect();
    setNamePct(((clientX - r.left) / Math.max(1, r.width)) * 100);
  };

  return (
    <div className="waterfall" ref={box} style={{ '--name-width': `${namePct}%` } as CSSProperties}>
      <TimeRuler window={p.window} />
      <ResizeHandle label="span name column" value={namePct} step={2} onDrag={dragTo} onStep={(d) => setNamePct(namePct + d)} style={{ left: `calc(${namePct}% - 3px)` }} />
      <div
        className="wf-scroll"
        ref={scroller}
        tabIndex={0}
        role="tree"
        aria-label="Spans"
        onKeyDown={onKeyDown}
        data-testid="waterfall"
      >
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const span = p.rows[item.index]!;
            return (
              <WaterfallRow
                key={span}
                view={p.view}
                span={span}
                top={item.start}
                window={p.window}
                selected={span === p.selected}
                match={p.matches?.[span] === 1}
                collapsed={p.collapsed.has(span)}
                showCritical={p.showCritical}
                timelinePx={timelinePx}
                onSelect={p.onSelect}
                onToggle={p.onToggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
