import { serviceColor } from '../../format/service-colors.js';
import type { Theme } from '../../app/theme.js';
import type { TimeWindow } from '../time-window.js';
import type { TraceView } from '../trace-view.js';

export const FLAME_ROW = 20;
const MIN_LABEL_PX = 36;
/** How strongly the part of a bar outside its parent (asynchronous work that outlived it) is drawn. */
const OUTSIDE_ALPHA = 0.45;

/**
 * Draws @clew/analysis' flame layout: x is time within `w`, y is depth, every span one box at its own time coloured
 * by service, labelled where it is wide enough. The part of a box outside its parent's time (a consumer that ran
 * after its producer ended) is drawn paler with a dashed edge. Boxes under half a pixel are skipped, which keeps
 * 50,000 spans cheap.
 */
export function drawFlame(ctx: CanvasRenderingContext2D, view: TraceView, rows: readonly Int32Array[], w: TimeWindow, width: number, selected: number | undefined, theme: Theme): void {
  ctx.clearRect(0, 0, width, rows.length * FLAME_ROW);
  const scale = width / Math.max(1, w.end - w.start);
  const px = (ns: number) => (ns - w.start) * scale;
  const colors = view.serviceNames.map(serviceColor);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let d = 0; d < rows.length; d++) {
    const y = d * FLAME_ROW;
    for (const i of rows[d]!) {
      const bar = view.flame.bars[i]!;
      const x0 = px(bar.offset);
      const x1 = px(bar.offset + bar.width);
      if (bar.width === 0 || x1 < 0 || x0 > width || x1 - x0 < 0.5) continue;
      const x = Math.max(0, x0);
      const bw = Math.min(width, x1) - x;
      const color = colors[view.service[i]!]!;
      const inside = bar.inside;
      if (inside && inside.start === bar.offset && inside.end === bar.offset + bar.width) {
        ctx.fillStyle = color;
        ctx.fillRect(x, y, Math.max(1, bw - 1), FLAME_ROW - 1);
      } else {
        drawOutlivingBar(ctx, color, x, bw, y, inside && { x0: Math.max(x, px(inside.start)), x1: Math.min(x + bw, px(inside.end)) });
      }
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
        ctx.fillStyle = inside ? '#ffffff' : theme === 'dark' ? '#ffffff' : '#1c1f24';
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

/** A bar that reaches past its parent: pale with a dashed outline, and solid over the part `inside` the parent. */
function drawOutlivingBar(ctx: CanvasRenderingContext2D, color: string, x: number, bw: number, y: number, inside: { x0: number; x1: number } | null): void {
  ctx.fillStyle = color;
  ctx.globalAlpha = OUTSIDE_ALPHA;
  ctx.fillRect(x, y, Math.max(1, bw - 1), FLAME_ROW - 1);
  ctx.globalAlpha = 1;
  if (inside && inside.x1 > inside.x0) ctx.fillRect(inside.x0, y, Math.max(1, inside.x1 - inside.x0), FLAME_ROW - 1);
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 2]);
  ctx.strokeRect(x + 0.5, y + 0.5, Math.max(1, bw - 2), FLAME_ROW - 2);
  ctx.restore();
}
