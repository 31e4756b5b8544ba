import type { SpanKindName } from '@clew/api';
import type { LiveWindow } from '../api/use-health.js';

/** The windows the health pages offer, and their length in milliseconds. */
export const HEALTH_WINDOWS = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 86400e3 } as const;
export type HealthWindowName = keyof typeof HEALTH_WINDOWS;

/** How often the health pages ask again on their own. */
export const REFRESHES = { off: 0, '30s': 30e3, '1m': 60e3, '5m': 300e3 } as const;
export type RefreshName = keyof typeof REFRESHES;

/** The span kinds a service's figures can be read from, server first (what "requests" usually means). */
export const HEALTH_SPAN_KINDS = ['server', 'consumer', 'client', 'producer', 'internal'] as const satisfies readonly SpanKindName[];
export type HealthSpanKind = (typeof HEALTH_SPAN_KINDS)[number];

/** What the health pages show, as it lives in the URL: `?window=6h&spanKind=consumer&refresh=1m`. */
export interface HealthView {
  window: HealthWindowName;
  spanKind: HealthSpanKind;
  refresh: RefreshName;
}

export function readHealthView(p: URLSearchParams): HealthView {
  const pick = <K extends string>(keys: readonly K[], v: string | null, fallback: K): K => (keys.find((k) => k === v) ?? fallback);
  return {
    window: pick(Object.keys(HEALTH_WINDOWS) as HealthWindowName[], p.get('window'), '1h'),
    spanKind: pick(HEALTH_SPAN_KINDS, p.get('spanKind'), 'server'),
    refresh: pick(Object.keys(REFRESHES) as RefreshName[], p.get('refresh'), 'off'),
  };
}

/** Writes the view into `p` (other parameters kept), leaving defaults out so URLs stay short. */
export function writeHealthView(p: URLSearchParams, v: HealthView): URLSearchParams {
  const next = new URLSearchParams(p);
  const set = (k: string, value: string, dflt: string) => (value === dflt ? next.delete(k) : next.set(k, value));
  set('window', v.window, '1h');
  set('spanKind', v.spanKind, 'server');
  set('refresh', v.refresh, 'off');
  return next;
}

export const liveWindow = (v: HealthView): LiveWindow => ({ lengthMs: HEALTH_WINDOWS[v.window], refreshMs: REFRESHES[v.refresh] });

/** The query string that carries the window and refresh (not the span kind) to another health page. */
export function carriedView(v: HealthView, withKind = true): string {
  const p = writeHealthView(new URLSearchParams(), withKind ? v : { ...v, spanKind: 'server' });
  const s = p.toString();
  return s ? `?${s}` : '';
}
