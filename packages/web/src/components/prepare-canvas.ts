/**
 * Sizes a canvas's backing store for the screen's pixel density and returns a context that draws in CSS pixels,
 * so drawings stay sharp on high-density screens.
 */
export function prepareCanvas(el: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  el.width = Math.round(width * dpr);
  el.height = Math.round(height * dpr);
  const ctx = el.getContext('2d')!;
  ctx.scale(dpr, dpr);
  return ctx;
}
