/**
 * The aggregate critical path page's URL for an endpoint over a window (ms since the epoch), optionally a duration band.
 * @example criticalPathLink({ service: 'frontend', operation: 'GET /search', from, to }) // '/critical-path?service=frontend&…'
 */
export function criticalPathLink(o: { service: string; operation: string; from: number; to: number; minDuration?: string; maxDuration?: string }): string {
  const p = new URLSearchParams({ service: o.service, operation: o.operation, from: String(Math.floor(o.from)), to: String(Math.ceil(o.to)) });
  if (o.minDuration) p.set('minDuration', o.minDuration);
  if (o.maxDuration) p.set('maxDuration', o.maxDuration);
  return `/critical-path?${p}`;
}
