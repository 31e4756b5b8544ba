import type { EdgePoint, MetricsReader, TimeWindow } from '@clew/storage';
import type { JaegerDependencyLink } from './jaeger-json-types.js';

const MINUTE_MS = 60_000n;

/** A service-graph edge as a dependency link: the client calls the server. */
export interface EdgeLink {
  readonly parent: string;
  readonly child: string;
  readonly callCount: number;
  readonly errorCount: number;
}

/**
 * The service graph's edges over a window, read from the metrics rollups: every minute that overlaps
 * [start, end), every connection type (plain client/server pairs, messaging, databases and virtual nodes, which
 * the dependency views draw as nodes too). `failed` counts the requests that failed.
 */
export async function readEdgeLinks(metricsStore: MetricsReader, window: TimeWindow): Promise<EdgeLink[]> {
  const startMs = window.start / 1_000_000n;
  const endMs = window.end / 1_000_000n;
  const from = floorDiv(startMs, MINUTE_MS) * MINUTE_MS;
  if (endMs <= from) return [];
  return edgeLinks(await metricsStore.edges({ from: Number(from), to: Number(endMs) }));
}

/** Edges (per bucket) as links, client → server. */
export function edgeLinks(points: readonly EdgePoint[]): EdgeLink[] {
  return points.map((p) => ({ parent: p.client, child: p.server, callCount: p.count, errorCount: p.failed }));
}

/**
 * Dependency links as Jaeger answers them: only those touching `service` when one is given, one link per
 * (parent, child) with the call counts summed (and rounded: counts are weights once head sampling adjusts them,
 * Jaeger's are whole). Jaeger's order comes from a Go map, so any order is Jaeger's; Clew sorts by parent then
 * child so that answers repeat.
 */
export function toJaegerDependencies(links: readonly Omit<EdgeLink, 'errorCount'>[], service = ''): JaegerDependencyLink[] {
  const counts = new Map<string, { parent: string; child: string; callCount: number }>();
  for (const l of links) {
    if (service !== '' && l.parent !== service && l.child !== service) continue;
    const key = JSON.stringify([l.parent, l.child]);
    const prev = counts.get(key);
    counts.set(key, { parent: l.parent, child: l.child, callCount: (prev?.callCount ?? 0) + l.callCount });
  }
  return [...counts.values()]
    .map((l) => ({ ...l, callCount: Math.round(l.callCount) }))
    .sort((a, b) => cmp(a.parent, b.parent) || cmp(a.child, b.child));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
