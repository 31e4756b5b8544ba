import { criticalPath, selfTimes } from '@clew/analysis';
import { clip, msOf, rounded } from './answer.js';
import type { TimedOutline } from './timed-outline.js';

/** Stretches of the path an answer lists by default, and at most; operations and services it ranks. */
export const PATH_DEFAULT_SECTIONS = 30;
export const PATH_MAX_SECTIONS = 200;
const TOP = 15;

interface Share {
  service: string;
  name?: string;
  ms: number;
  share: number;
}

/**
 * Where a trace's time went: its critical path (Jaeger UI's last-finishing-child walk) by service and by operation,
 * its longest stretches in time order, and the operations with the most self time (time not spent waiting on a
 * child). Times in ms; shares of the path's length.
 */
export function criticalPathAnswer(t: TimedOutline, maxSections: number): object {
  const { spans, tree } = t;
  const path = criticalPath(spans, tree);
  const total = path.sections.reduce((n, s) => n + (s.end - s.start), 0);
  const byService = new Map<string, number>();
  const byOperation = new Map<string, { service: string; name: string; ns: number }>();
  for (const s of path.sections) {
    const span = spans[s.span]!;
    const d = s.end - s.start;
    byService.set(span.service, (byService.get(span.service) ?? 0) + d);
    const key = `${span.service}\u0000${span.name}`;
    const op = byOperation.get(key) ?? { service: span.service, name: span.name, ns: 0 };
    op.ns += d;
    byOperation.set(key, op);
  }
  const share = (ns: number) => rounded(total > 0 ? ns / total : 0, 4)!;

  const longest = [...path.sections].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, maxSections);
  longest.sort((a, b) => a.start - b.start);

  const self = selfTimes(spans, tree);
  const selfByOperation = new Map<string, { service: string; name: string; ns: number; spans: number }>();
  spans.forEach((s, i) => {
    const key = `${s.service}\u0000${s.name}`;
    const op = selfByOperation.get(key) ?? { service: s.service, name: s.name, ns: 0, spans: 0 };
    op.ns += self[i]!;
    op.spans++;
    selfByOperation.set(key, op);
  });

  let end = 0;
  for (const s of spans) if (s.end > end) end = s.end;
  return {
    traceId: t.outlines[0]?.traceId ?? '',
    durationMs: msOf(end),
    criticalPathMs: msOf(total),
    byService: [...byService]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([service, ns]): Share => ({ service, ms: msOf(ns), share: share(ns) })),
    byOperation: [...byOperation.values()]
      .sort((a, b) => b.ns - a.ns)
      .slice(0, TOP)
      .map((o): Share => ({ service: o.service, name: clip(o.name, 100), ms: msOf(o.ns), share: share(o.ns) })),
    sections: longest.map((s) => {
      const span = spans[s.span]!;
      return { spanId: span.spanId, service: span.service, name: clip(span.name, 100), startMs: msOf(s.start), endMs: msOf(s.end), ms: msOf(s.end - s.start), ...(span.error && { error: true }) };
    }),
    sectionCount: path.sections.length,
    ...(path.sections.length > longest.length && {
      note: `the ${longest.length} longest of ${path.sections.length} stretches of the path are listed, in time order; byService and byOperation count them all`,
    }),
    selfTimeByOperation: [...selfByOperation.values()]
      .sort((a, b) => b.ns - a.ns)
      .slice(0, TOP)
      .map((o) => ({ service: o.service, name: clip(o.name, 100), ms: msOf(o.ns), spans: o.spans })),
  };
}
