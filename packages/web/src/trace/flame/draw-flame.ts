import { serviceColor } from '../../format/service-colors.js';
import type { Theme } from '../../app/theme.js';
import type { TimeWindow } from '../time-window.js';
import type { TraceView } from '../trace-view.js';

export const FLAME_ROW = 20;
const MIN_LABEL_PX = 36;

/**
 * Draws @clew/analysis' flame layout: x is time within `w`, y is depth (children clipped to their parents), every span one box coloured by service,
 * labelled where it is wide enough. Boxes under half a pixel are skipped, which keeps 50,000 spans cheap.
 */
export function drawFlame(ctx: CanvasRenderingContext2D, view: TraceView, rows: readonly Int32Array[], w: TimeWindow, width: number, selected: number | undefined, theme: Theme): void {
  ctx.clearRect(0, 0, width, rows.length * FLAME_ROW);
  const scale = width / Math.max(1, w.end - w.start);
  const colors = view.serviceNames.map(serviceColor);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let d = 0; d < rows.length; d++) {
    const y = d * FLAME_ROW;
    for (const i of rows[d]!) {
      const bar = view.flame.bars[i]!;
      const x0 = (bar.offset - w.start) * scale;
      const x1 = (bar.offset + bar.width - w.start) * scale;
      if (bar.width === 0 || x1 < 0 || x0 > width || x1 - x0 < 0.5) continue;
      const x = Math.max(0, x0);
      const bw = Math.min(width, x1) - x;
      ctx.fillStyle = colors[view.service[i]!]!;
      ctx.fillRect(x, y, Math.max(1, bw - 1), FLAME_ROW - 1);
      if (view.isError[i]) {
        ctx.fillStyle = '#d12d2d';
        ctx.fillRect(x, y + FLAME_ROW - 4, Math.max(1, bw - 1), 3);
      }
      if (i === selected) {
        ctx.strokeStyle = theme === 'dark' ? '#ffffff' : '#000000';
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 1, y + 1, bw - 3, FLAME_ROW - 3);
      }
      if (bw >= MIN_LABEL_PX) {
        ctx.fillStyle = '#ffffff';
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, bw - 4, FLAME_ROW);
        ctx.clip();
        ctx.fillText(`${view.serviceNames[view.service[i]!]}: ${view.timed[i]!.name}`, x + 4, y + FLAME_ROW / 2);
        ctx.restore();
      }
    }
  }
}
