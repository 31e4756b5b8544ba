import type { SpanKindName } from '@clew/api';

/**
 * The search page's URL for the traces of a service (and operation) with spans of `spanKind` starting in
 * [startMs, endMs), slowest first: where a click on a health chart's point leads.
 * @example searchForStep({ service: 'catalog', spanKind: 'server', startMs: t, endMs: t + step })
 */
export function searchForStep(o: { service: string; operation?: string | undefined; spanKind: SpanKindName; startMs: number; endMs: number }): string {
  const p = new URLSearchParams({ service: o.service });
  if (o.operation) p.set('operation', o.operation);
  p.set('spanKind', o.spanKind);
  p.set('lookback', 'custom');
  p.set('start', String(Math.floor(o.startMs)));
  p.set('end', String(Math.ceil(o.endMs)));
  p.set('sort', 'duration');
  return `/search?${p}`;
}

/** A relative search window (the search page's lookbacks) that covers a health window's length. */
export function lookbackFor(lengthMs: number): string {
  const options: [string, number][] = [['15m', 15 * 60e3], ['1h', 3600e3], ['6h', 6 * 3600e3], ['24h', 86400e3], ['2d', 2 * 86400e3], ['7d', 7 * 86400e3]];
  return (options.find(([, ms]) => ms >= lengthMs) ?? options[options.length - 1]!)[0];
}

/** Searches the failed traces of a service (and operation) over a relative window. */
export function searchErrors(o: { service: string; operation?: string | undefined; spanKind: SpanKindName; lengthMs: number }): string {
  const p = new URLSearchParams({ service: o.service });
  if (o.operation) p.set('operation', o.operation);
  p.set('spanKind', o.spanKind);
  p.append('attr', 'error=true');
  const lookback = lookbackFor(o.lengthMs);
  if (lookback !== '1h') p.set('lookback', lookback);
  return `/search?${p}`;
}

/** Quotes a TraceQL string literal. */
export const traceqlString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
