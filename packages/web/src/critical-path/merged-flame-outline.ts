import type { CriticalPathFlameNode } from '@clew/analysis';
import { flameGraphSpans } from '@clew/analysis';
import type { ApiTraceOutline } from '@clew/api';

/**
 * The merged flame graph as a trace outline, so the trace page's flame graph draws it unchanged: each call path a
 * "span" as wide as its critical-path time, children side by side from their parent's start (flameGraphSpans). The
 * tooltip's duration is then the path's critical-path time and its self time the path's own.
 */
export function mergedFlameOutline(flame: readonly CriticalPathFlameNode[]): ApiTraceOutline {
  const spans = flameGraphSpans(flame);
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const services: string[] = [];
  const serviceIndex = new Map<string, number>();
  const intern = (list: string[], index: Map<string, number>, s: string): number => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = list.push(s) - 1));
    return i;
  };
  return {
    traceId: '0'.repeat(32),
    startTimeUnixNano: '0',
    spanIds: spans.map((_, i) => i.toString(16).padStart(16, '0')).join(''),
    parent: flame.map((f) => f.parent),
    names,
    name: spans.map((s) => intern(names, nameIndex, s.name)),
    services,
    service: spans.map((s) => intern(services, serviceIndex, s.service)),
    kind: spans.map(() => 0),
    status: spans.map(() => 0),
    start: spans.map((s) => s.start),
    duration: spans.map((s) => s.end - s.start),
    eventCount: spans.map(() => 0),
    eventTime: [],
    eventName: [],
  };
}
