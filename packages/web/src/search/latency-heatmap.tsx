import type { HeatmapResponse } from '@clew/api';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PointerEvent } from 'react';
import { useTheme } from '../app/theme.js';
import { prepareCanvas } from '../components/prepare-canvas.js';
import { useElementWidth } from '../components/use-element-width.js';
import { formatNanos } from '../format/duration.js';
import { formatTimestamp, zoneName } from '../format/time.js';
import { drawHeatmap, HEATMAP_MARGIN, heatmapGeometry } from './draw-heatmap.js';
import { brushSelection, heatmapFrame, selectionCells, spanCells } from './heatmap-grid.js';
import type { CellRange } from './heatmap-grid.js';
import type { Selection } from './selection-state.js';

const HEIGHT = 200;

interface Props {
  map: HeatmapResponse;
  selection: Selection | undefined;
  onSelect(next: Selection | undefined): void;
}

type Cell = { t: number; r: number };

/**
 * Every matching span by start time and duration (log scale), a cell's colour by how many and how many failed.
 * Dragging a rectangle selects a time × duration band (a click, one cell) for the comparison below.
 */
export function LatencyHeatmap({ map, selection, onSelect }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(box);
  const { theme } = useTheme();
  const g = useMemo(() => heatmapGeometry(map, width, HEIGHT), [map, width]);
  const [drag, setDrag] = useState<{ from: Cell; to: Cell } | undefined>();
  const [hover, setHover] = useState<Cell | undefined>();

  useEffect(() => {
    if (!canvas.current || width === 0) return;
    drawHeatmap(prepareCanvas(canvas.current, width, HEIGHT), map, g, theme);
  }, [map, g, width, theme]);

  const rows = map.durationBuckets.length;
  const cellAt = (e: PointerEvent<HTMLDivElement>): Cell => {
    const r = e.currentTarget.getBoundingClientRect();
    const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor(v)));
    return { t: clamp((e.clientX - r.left) / g.colWidth, map.timeBuckets), r: clamp(rows - (e.clientY - r.top) / g.rowHeight, rows) };
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (rows === 0 || e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const c = cellAt(e);
    setDrag({ from: c, to: c });
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (rows === 0) return;
    const c = cellAt(e);
    setHover(c);
    if (drag) setDrag({ from: drag.from, to: c });
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    setDrag(undefined);
    const next = brushSelection(map, spanCells(drag.from, cellAt(e)));
    if (next) onSelect(next);
  };

  const shown: CellRange | undefined = drag ? spanCells(drag.from, drag.to) : selectionCells(map, selection);
  return (
    <figure className="heatmap-figure">
      <figcaption className="muted" data-testid="heatmap-caption">
        All {map.total.toLocaleString('en')} matching spans{map.errors > 0 && <span className="error-text"> ({map.errors.toLocaleString('en')} with errors, in red)</span>} ·
        duration (log) over start time ({zoneName(Date.now())}) · drag to compare
      </figcaption>
      <div className="heatmap" ref={box} style={{ height: HEIGHT }}>
        <canvas ref={canvas} style={{ width: '100%', height: HEIGHT }} aria-hidden="true" />
        {rows === 0 ? (
          <p className="heatmap-empty muted">No spans match in this window.</p>
        ) : (
          <div
            className="heatmap-plot"
            data-testid="heatmap-plot"
            role="img"
            aria-label="Latency heatmap of the matching spans; drag to select a region"
            style={{ left: HEATMAP_MARGIN.left, top: HEATMAP_MARGIN.top, width: g.plotWidth, height: g.plotHeight }}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerLeave={() => setHover(undefined)}
            onLostPointerCapture={() => setDrag(undefined)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setDrag(undefined);
            }}
            tabIndex={-1}
          >
            {shown && (
              <div
                className={`heatmap-brush${drag ? ' dragging' : ''}`}
                data-testid="heatmap-selection"
                style={{ left: shown.t0 * g.colWidth, width: (shown.t1 - shown.t0 + 1) * g.colWidth, top: (rows - 1 - shown.r1) * g.rowHeight, height: (shown.r1 - shown.r0 + 1) * g.rowHeight }}
              />
            )}
          </div>
        )}
      </div>
      <div className="heatmap-hover muted" data-testid="heatmap-hover">
        {hover ? describeCell(map, hover) : '\u00a0'}
      </div>
    </figure>
  );
}

/** "16:02:00–16:03:00 · 90.5ms–108ms · 12 spans, 2 with errors" for the cell under the pointer. */
function describeCell(map: HeatmapResponse, c: Cell): string {
  const { startNs, stepNs } = heatmapFrame(map);
  const row = map.durationBuckets[c.r];
  if (!row) return '\u00a0';
  const cell = map.cells.find((x) => x.t === c.t && x.d === row.d);
  const from = (startNs + c.t * stepNs) / 1e6;
  const time = `${formatTimestamp(from).slice(11, 19)}–${formatTimestamp(from + stepNs / 1e6).slice(11, 19)}`;
  const spans = cell ? `${cell.count.toLocaleString('en')} spans${cell.errors > 0 ? `, ${cell.errors.toLocaleString('en')} with errors` : ''}` : 'no spans';
  return `${time} · ${formatNanos(row.minNanos)}–${formatNanos(row.maxNanos)} · ${spans}`;
}
