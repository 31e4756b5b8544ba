import type { LatencyBins, SpanKind, StatusCode } from '@clew/model';
import type { SpanMetricsPoint, SpanMetricsQuery, SpanMetricsRow } from '../metrics/metrics-store.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** 2025-11-24T00:00Z: every fixture time is an offset from here. */
export const BASE = 1_763_942_400_000;
/** The start of minute `m` after BASE. */
export const min = (m: number): number => BASE + m * MINUTE;

/** Bins drawn as [key, count] pairs; the store does not care which values the keys stand for. */
export function bins(pairs: readonly (readonly [number, number])[], zeroCount = 0): LatencyBins {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  return { keys: sorted.map((p) => p[0]), counts: sorted.map((p) => p[1]), zeroCount };
}

/** Bins merged by hand: counts added per key. */
export function sumBins(all: readonly LatencyBins[]): LatencyBins {
  const m = new Map<number, number>();
  let zero = 0;
  for (const b of all) {
    zero += b.zeroCount;
    b.keys.forEach((k, i) => m.set(k, (m.get(k) ?? 0) + b.counts[i]!));
  }
  return bins([...m.entries()], zero);
}

export interface RowSpec {
  readonly m: number;
  readonly service?: string;
  readonly operation?: string;
  readonly kind?: SpanKind;
  readonly status?: StatusCode;
  readonly count?: number;
  readonly dur?: number;
  readonly latency?: LatencyBins;
}

/** A span-metrics row at minute `m` after BASE; defaults: frontend / GET / SERVER (2) / UNSET, one span. */
export function row(s: RowSpec): SpanMetricsRow {
  const count = s.count ?? 1;
  return {
    minute: min(s.m),
    service: s.service ?? 'frontend',
    operation: s.operation ?? 'GET',
    kind: s.kind ?? (2 as SpanKind),
    status: s.status ?? (0 as StatusCode),
    count,
    durationSumNanos: s.dur ?? count * 1_000_000,
    latency: s.latency ?? bins([[100, count]]),
  };
}

const cmp = (a: string | number | undefined, b: string | number | undefined): number =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;

/** What any store must answer: the query computed over the rows appended, by brute force. */
export function referenceSpanMetrics(rows: readonly SpanMetricsRow[], q: SpanMetricsQuery): SpanMetricsPoint[] {
  const from = Math.ceil(q.from / MINUTE) * MINUTE;
  const cells = new Map<string, { p: Omit<SpanMetricsPoint, 'latency'> & { count: number; errors: number; durationSumNanos: number }; b: LatencyBins[] }>();
  for (const r of rows) {
    if (r.minute < from || r.minute >= q.to) continue;
    if (q.services && !q.services.includes(r.service)) continue;
    if (q.operations && !q.operations.includes(r.operation)) continue;
    if (q.kinds && !q.kinds.includes(r.kind)) continue;
    const t = q.step === undefined ? q.from : Math.floor(r.minute / q.step) * q.step;
    const g = {
      ...(q.groupBy.includes('service') && { service: r.service }),
      ...(q.groupBy.includes('operation') && { operation: r.operation }),
      ...(q.groupBy.includes('kind') && { kind: r.kind }),
    };
    const key = JSON.stringify([t, g.service, g.operation, g.kind]);
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { p: { t, ...g, count: 0, errors: 0, durationSumNanos: 0 }, b: [] }));
    c.p.count += r.count;
    if (r.status === 2) c.p.errors += r.count;
    c.p.durationSumNanos += r.durationSumNanos;
    c.b.push(r.latency);
  }
  return [...cells.values()]
    .map((c) => ({ ...c.p, latency: sumBins(c.b) }))
    .sort((a, b) => a.t - b.t || cmp(a.service, b.service) || cmp(a.operation, b.operation) || cmp(a.kind, b.kind));
}

/**
 * Deterministic rows over `minutes` minutes from minute `start`: three services, a few operations and kinds, both
 * statuses, a couple of deltas for some key-minutes, weights that are whole or halves (so that sums are exact in
 * any order).
 */
export function tierFixture(start: number, minutes: number): SpanMetricsRow[] {
  const out: SpanMetricsRow[] = [];
  const services = ['cart', 'frontend', 'payment'];
  const ops = ['GET /', 'POST /pay', 'query'];
  let x = 12345;
  const next = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0; // a 32-bit LCG; its high bits are the random ones
    return (x >>> 8) % n;
  };
  for (let m = start; m < start + minutes; m++) {
    for (const service of services) {
      for (const operation of ops) {
        if (next(4) === 0) continue; // sparse: not every series every minute
        const kind = (operation === 'query' ? 3 : 2) as SpanKind;
        const deltas = 1 + next(2);
        for (let d = 0; d < deltas; d++) {
          const count = 1 + next(5) + (next(3) === 0 ? 0.5 : 0);
          const k = 800 + next(40);
          out.push(
            row({
              m,
              service,
              operation,
              kind,
              status: (next(6) === 0 ? 2 : next(2)) as StatusCode,
              count,
              dur: count * 1_000_000 + next(1000) * 1024,
              latency: bins(
                [
                  [k, count - 0.5 * (count % 1 === 0 ? 0 : 1)],
                  [k + 3 + next(5), count % 1 === 0 ? 0.5 : 0.5],
                ],
                next(5) === 0 ? 1 : 0,
              ),
            }),
          );
        }
      }
    }
  }
  return out;
}
