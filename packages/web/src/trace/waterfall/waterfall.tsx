import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import type { TimeWindow } from '../time-window.js';
import type { TraceView } from '../trace-view.js';
import { TimeRuler } from './time-ruler.js';
import { waterfallKeyAction } from './waterfall-keys.js';
import { ROW_HEIGHT, WaterfallRow } from './waterfall-row.js';

interface Props {
  view: TraceView;
  rows: Int32Array;
  window: TimeWindow;
  collapsed: ReadonlySet<number>;
  matches: Uint8Array | undefined;
  selected: number | undefined;
  showCritical: boolean;
  onSelect(span: number): void;
  onToggle(span: number): void;
  onFold(span: number, folded: boolean): void;
  onOpen(span: number): void;
}

/**
 * The span tree against time. Only the rows in view (plus a margin) are mounted, so a 50,000-span trace scrolls like
 * a 50-span one; each row reads the flat arrays of the TraceView.
 */
export function Waterfall(p: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: p.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });

  // Keep the selection on screen when it moves by keyboard or by search.
  const selectedRow = p.selected === undefined ? -1 : p.rows.indexOf(p.selected);
  useEffect(() => {
    if (selectedRow >= 0) virtual.scrollToIndex(selectedRow, { align: 'auto' });
  }, [selectedRow, virtual]);

  const onKeyDown = (e: KeyboardEvent) => {
    const action = waterfallKeyAction(e.key, { view: p.view, rows: p.rows, selected: p.selected, collapsed: p.collapsed });
    if (!action) return;
    e.preventDefault();
    if (action.type === 'select') p.onSelect(action.span);
    else if (action.type === 'fold') p.onFold(action.span, action.folded);
    else p.onOpen(action.span);
  };

  return (
    <div className="waterfall">
      <TimeRuler window={p.window} />
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
