import { useEffect, useRef, useState } from 'react';
import type { PointerEvent } from 'react';
import { prepareCanvas } from '../../components/prepare-canvas.js';
import { useElementWidth } from '../../components/use-element-width.js';
import type { TimeWindow } from '../time-window.js';
import type { TraceView } from '../trace-view.js';
import { drawMinimap } from './draw-minimap.js';

const HEIGHT = 56;

interface Props {
  view: TraceView;
  window: TimeWindow;
  onWindow(next: TimeWindow): void;
}

/**
 * The whole trace in miniature. Drag across it to zoom the waterfall into that time window; double-click to see
 * everything again. The canvas is drawn once per trace and size; the window and drag are plain overlays.
 */
export function Minimap({ view, window: w, onWindow }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(canvas);
  const [drag, setDrag] = useState<{ from: number; to: number } | undefined>();

  useEffect(() => {
    const el = canvas.current;
    if (!el || width === 0) return;
    drawMinimap(prepareCanvas(el, width, HEIGHT), view, width, HEIGHT);
  }, [view, width]);

  const toNs = (e: PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) * view.durationNs;
  };
  const pct = (ns: number) => `${(ns / Math.max(1, view.durationNs)) * 100}%`;
  const zoomed = w.start > 0 || w.end < view.durationNs;

  return (
    <div
      className="minimap"
      data-testid="minimap"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        const ns = toNs(e);
        setDrag({ from: ns, to: ns });
      }}
      onPointerMove={(e) => drag && setDrag({ ...drag, to: toNs(e) })}
      onPointerUp={() => {
        if (drag && Math.abs(drag.to - drag.from) > view.durationNs / 500) {
          onWindow({ start: Math.min(drag.from, drag.to), end: Math.max(drag.from, drag.to) });
        }
        setDrag(undefined);
      }}
      onDoubleClick={() => onWindow({ start: 0, end: view.durationNs })}
      title="Drag to zoom into a time window; double-click to reset"
    >
      <canvas ref={canvas} style={{ width: '100%', height: HEIGHT }} />
      {zoomed && (
        <>
          <div className="minimap-shade" style={{ left: 0, width: pct(w.start) }} />
          <div className="minimap-shade" style={{ left: pct(w.end), right: 0 }} />
          <div className="minimap-window" style={{ left: pct(w.start), width: pct(w.end - w.start) }} />
        </>
      )}
      {drag && <div className="minimap-drag" style={{ left: pct(Math.min(drag.from, drag.to)), width: pct(Math.abs(drag.to - drag.from)) }} />}
    </div>
  );
}
