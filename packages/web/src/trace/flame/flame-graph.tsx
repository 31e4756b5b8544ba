import { useEffect, useMemo, useRef, useState } from 'react';
import type { MouseEvent } from 'react';
import { useTheme } from '../../app/theme.js';
import { formatNanos } from '../../format/duration.js';
import { prepareCanvas } from '../../components/prepare-canvas.js';
import { useElementWidth } from '../../components/use-element-width.js';
import type { TimeWindow } from '../time-window.js';
import type { TraceView } from '../trace-view.js';
import { drawFlame, FLAME_ROW } from './draw-flame.js';
import { spanAt, spansByDepth } from './flame-rows.js';

interface Props {
  view: TraceView;
  selected: number | undefined;
  onSelect(span: number): void;
}

/** Nearer the right edge than this, the tooltip opens to the left of the pointer so that it stays on screen. */
const TIP_ROOM_PX = 320;

/** How a span's time relates to its parent's when it ran past it (asynchronous work), else undefined. */
function pastParent(view: TraceView, span: number): string | undefined {
  const p = view.parent[span]!;
  if (p < 0) return undefined;
  const parentEnd = view.offset[p]! + view.duration[p]!;
  const start = view.offset[span]!;
  const end = start + view.duration[span]!;
  if (start >= parentEnd && end > parentEnd) return `started ${formatNanos(start - parentEnd)} after its parent ended`;
  if (end > parentEnd) return `outlived its parent by ${formatNanos(end - parentEnd)}`;
  return undefined;
}

/** The trace as a flame graph on a canvas: click a box to see its span, double-click to zoom to it. */
export function FlameGraph({ view, selected, onSelect }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const rows = useMemo(() => spansByDepth(view), [view]);
  const outliving = useMemo(() => view.flame.bars.some((b) => b.width > 0 && (!b.inside || b.inside.end - b.inside.start < b.width)), [view]);
  const width = useElementWidth(canvas);
  const [zoom, setZoom] = useState<TimeWindow>({ start: 0, end: view.durationNs });
  const [hover, setHover] = useState<{ span: number; x: number; y: number } | undefined>();
  const { theme } = useTheme();
  const height = rows.length * FLAME_ROW;

  useEffect(() => {
    const el = canvas.current;
    if (!el || width === 0) return;
    drawFlame(prepareCanvas(el, width, height), view, rows, zoom, width, selected, theme);
  }, [view, rows, zoom, width, height, selected, theme]);

  const hit = (e: MouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    const x = e.clientX - r.left;
    const depth = Math.floor((e.clientY - r.top) / FLAME_ROW);
    const ns = zoom.start + (x / r.width) * (zoom.end - zoom.start);
    const span = spanAt(view, rows, depth, ns);
    return span === undefined ? undefined : { span, x, y: e.clientY - r.top };
  };

  const zoomed = zoom.start > 0 || zoom.end < view.durationNs;
  return (
    <div className="flame" data-testid="flame-graph">
      <p className="muted flame-help">
        Click a box for its span, double-click to zoom into it.{' '}
        {outliving && 'Pale, dashed boxes ran past the end of their parent (asynchronous work, such as a queue consumer). '}
        {zoomed && <button type="button" onClick={() => setZoom({ start: 0, end: view.durationNs })}>Reset zoom</button>}
      </p>
      <div className="flame-canvas-box">
        <canvas
          ref={canvas}
          style={{ width: '100%', height }}
          onClick={(e) => {
            const h = hit(e);
            if (h) onSelect(h.span);
          }}
          onDoubleClick={(e) => {
            const h = hit(e);
            if (!h) return;
            const bar = view.flame.bars[h.span]!;
            setZoom({ start: bar.offset, end: bar.offset + Math.max(1, bar.width) });
          }}
          onMouseMove={(e) => setHover(hit(e))}
          onMouseLeave={() => setHover(undefined)}
        />
        {hover && (
          <div className="flame-tip" style={{ top: hover.y + 12, ...(hover.x > width - TIP_ROOM_PX ? { right: width - hover.x + 12 } : { left: hover.x + 12 }) }}>
            <strong>{view.serviceNames[view.service[hover.span]!]}</strong>: {view.timed[hover.span]!.name}
            <div className="muted">
              {formatNanos(view.duration[hover.span]!)} (self {formatNanos(view.selfTime[hover.span]!)})
            </div>
            {pastParent(view, hover.span) && <div className="muted">{pastParent(view, hover.span)}</div>}
          </div>
        )}
      </div>
    </div>
  );
}
