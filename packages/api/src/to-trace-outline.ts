import type { SpanOutline } from '@clew/model';
import type { ApiTraceOutline } from './outline.js';

/** Numbers strings in order of first appearance: the outline's `names` and `services` tables. */
class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  indexOf(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) this.index.set(s, (i = this.list.push(s) - 1));
    return i;
  }
}

/**
 * The outline of a trace whose spans are already in API order (by start, then span id: see compareSpanOrder), so
 * index i here is index i of `toApiTrace`. Linear, with no object per span: one map from span id to index, columns
 * filled in one pass. A repeated span id resolves to its first occurrence, as in @clew/analysis' span tree.
 */
export function toTraceOutline(sorted: readonly SpanOutline[]): ApiTraceOutline {
  const n = sorted.length;
  const t0 = n > 0 ? sorted[0]!.startTimeUnixNano : 0n;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) if (!indexOf.has(sorted[i]!.spanId)) indexOf.set(sorted[i]!.spanId, i);

  const names = new StringTable();
  const services = new StringTable();
  const ids = new Array<string>(n);
  const parent = new Array<number>(n);
  const name = new Array<number>(n);
  const service = new Array<number>(n);
  const kind = new Array<number>(n);
  const status = new Array<number>(n);
  const start = new Array<number>(n);
  const duration = new Array<number>(n);
  const eventCount = new Array<number>(n);
  const eventTime: number[] = [];
  const eventName: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = sorted[i]!;
    ids[i] = s.spanId;
    parent[i] = s.parentSpanId === null ? -1 : (indexOf.get(s.parentSpanId) ?? -1);
    name[i] = names.indexOf(s.name);
    service[i] = services.indexOf(s.serviceName);
    kind[i] = s.kind;
    status[i] = s.statusCode;
    start[i] = Number(s.startTimeUnixNano - t0);
    duration[i] = Number(s.endTimeUnixNano - s.startTimeUnixNano);
    eventCount[i] = s.events.length;
    for (const e of s.events) {
      eventTime.push(Number(e.timeUnixNano - t0));
      eventName.push(names.indexOf(e.name));
    }
  }
  return {
    traceId: sorted[0]?.traceId ?? '',
    startTimeUnixNano: t0.toString(),
    spanIds: ids.join(''),
    parent,
    names: names.list,
    name,
    services: services.list,
    service,
    kind,
    status,
    start,
    duration,
    eventCount,
    eventTime,
    eventName,
  };
}
