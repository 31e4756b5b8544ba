import type { HeatmapResponse } from '@clew/api';
import type { Theme } from '../app/theme.js';
import { heatmapFrame } from './heatmap-grid.js';
import { durationTicks, timeTicks } from './heatmap-axes.js';

/** Space around the cells for the axes' labels, in CSS pixels. */
export const HEATMAP_MARGIN = { left: 58, right: 8, top: 4, bottom: 20 };

export interface HeatmapGeometry {
  width: number;
  height: number;
  plotWidth: number;
  plotHeight: number;
  colWidth: number;
  rowHeight: number;
}

export function heatmapGeometry(map: HeatmapResponse, width: number, height: number): HeatmapGeometry {
  const plotWidth = Math.max(1, width - HEATMAP_MARGIN.left - HEATMAP_MARGIN.right);
  const plotHeight = Math.max(1, height - HEATMAP_MARGIN.top - HEATMAP_MARGIN.bottom);
  return { width, height, plotWidth, plotHeight, colWidth: plotWidth / map.timeBuckets, rowHeight: plotHeight / Math.max(1, map.durationBuckets.length) };
}

const PALETTE = {
  light: { ok: [47, 98, 217], error: [209, 45, 45], axis: '#5b6270', grid: '#e6e8ec' },
  dark: { ok: [122, 162, 255], error: [255, 107, 107], axis: '#9aa3b2', grid: '#2f343e' },
} as const;

/**
 * Draws the cells (opacity by count on a log scale, so a lone slow span still shows beside thousands of fast ones;
 * redder the larger their share of errors) and both axes. One fillRect per non-empty cell: a 1,000 × 60 map is
 * drawn in a few milliseconds, so it is simply redrawn whenever the data, size or theme changes.
 */
export function drawHeatmap(ctx: CanvasRenderingContext2D, map: HeatmapResponse, g: HeatmapGeometry, theme: Theme): void {
  const c = PALETTE[theme];
  const { left, top } = HEATMAP_MARGIN;
  ctx.clearRect(0, 0, g.width, g.height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = c.axis;
  ctx.strokeStyle = c.grid;
  ctx.lineWidth = 1;

  const rows = map.durationBuckets;
  const first = rows[0]?.d ?? 0;
  const rowY = (r: number) => top + g.plotHeight - (r + 1) * g.rowHeight;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const bottom = rows[0]?.minNanos ?? 0;
  const topNanos = rows[rows.length - 1]?.maxNanos ?? 0;
  for (const t of durationTicks(bottom, topNanos, g.plotHeight)) {
    const y = Math.round(top + g.plotHeight * (1 - t.at)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + g.plotWidth, y);
    ctx.stroke();
    ctx.fillText(t.label, left - 6, Math.max(top + 5, Math.min(y, top + g.plotHeight - 5)));
  }
  const { startNs, stepNs } = heatmapFrame(map);
  const startMs = startNs / 1e6;
  const endMs = (startNs + stepNs * map.timeBuckets) / 1e6;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of timeTicks(startMs, endMs, g.plotWidth)) {
    const x = Math.round(left + ((t.ms - startMs) / (endMs - startMs)) * g.plotWidth) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + g.plotHeight);
    ctx.stroke();
    // A label that would run off the canvas is left out rather than cut (the line still marks the time).
    const half = ctx.measureText(t.label).width / 2;
    if (x - half >= 0 && x + half <= g.width) ctx.fillText(t.label, x, top + g.plotHeight + 5);
  }

  let max = 0;
  for (const cell of map.cells) max = Math.max(max, cell.count);
  const scale = Math.log1p(max);
  for (const cell of map.cells) {
    const share = cell.errors / cell.count;
    // Any error tints the cell; a cell of only errors is fully red.
    const mix = cell.errors > 0 ? 0.45 + 0.55 * share : 0;
    const rgb = c.ok.map((v, i) => Math.round(v + (c.error[i]! - v) * mix));
    const alpha = 0.18 + 0.82 * (scale > 0 ? Math.log1p(cell.count) / scale : 1);
    ctx.fillStyle = `rgba(${rgb.join(',')},${alpha.toFixed(3)})`;
    const x = left + cell.t * g.colWidth;
    const y = rowY(cell.d - first);
    // Cells overlap by a fraction of a pixel so that no hairline gaps show between neighbours.
    ctx.fillRect(x, y, g.colWidth + 0.5, g.rowHeight + 0.5);
  }
}
