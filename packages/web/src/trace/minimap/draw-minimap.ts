import { serviceColor } from '../../format/service-colors.js';
import type { TraceView } from '../trace-view.js';

/**
 * Every span as a thin bar, rows in tree order squeezed into the canvas height, so the shape of the whole trace is
 * visible at once. One fillRect per span: ~10 ms for 50,000 spans.
 */
export function drawMinimap(ctx: CanvasRenderingContext2D, view: TraceView, width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  const n = view.order.length;
  const rowH = Math.max(1, height / Math.max(1, n));
  const colors = view.serviceNames.map(serviceColor);
  const scale = width / Math.max(1, view.durationNs);
  for (let row = 0; row < n; row++) {
    const i = view.order[row]!;
    ctx.fillStyle = view.isError[i] ? '#d12d2d' : colors[view.service[i]!]!;
    const x = view.offset[i]! * scale;
    ctx.fillRect(x, (row * height) / n, Math.max(1, view.duration[i]! * scale), Math.min(rowH, 4));
  }
}
