import type { Span } from '@clew/model';
import { serviceName, spanDuration } from '@clew/model';

/**
 * One trace's spans, ordered by start (then span id), with the tree the structural operators walk: each span's
 * parent index (-1 for a root or a span whose parent is missing) and an order in which parents come before
 * their children.
 */
export class TraceIndex {
  readonly spans: readonly Span[];
  readonly parent: Int32Array;
  /** Span indexes, every parent before its children; spans caught in a parent cycle are left out. */
  readonly topDown: Int32Array;
  readonly root: Span | undefined;
  readonly start: bigint;
  readonly duration: bigint;

  constructor(input: readonly Span[]) {
    const spans = [...input].sort((a, b) =>
      a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0,
    );
    this.spans = spans;
    const byId = new Map<string, number>();
    spans.forEach((s, i) => byId.set(s.spanId, i));
    this.parent = new Int32Array(spans.length);
    const children: number[][] = spans.map(() => []);
    const roots: number[] = [];
    spans.forEach((s, i) => {
      const p = s.parentSpanId === null ? -1 : (byId.get(s.parentSpanId) ?? -1);
      this.parent[i] = p === i ? -1 : p;
      if (this.parent[i]! < 0) roots.push(i);
      else children[this.parent[i]!]!.push(i);
    });
    const order: number[] = [];
    for (let q = [...roots]; q.length > 0; ) {
      const next: number[] = [];
      for (const i of q) {
        order.push(i);
        // A loop, not push(...children): a span may have more children than a call takes arguments.
        for (const c of children[i]!) next.push(c);
      }
      q = next;
    }
    this.topDown = Int32Array.from(order);
    // The root is the span without a parent; a trace whose root is missing has none, as in Tempo.
    this.root = spans.find((s) => s.parentSpanId === null);
    let start = spans[0]?.startTimeUnixNano ?? 0n;
    let end = start;
    for (const s of spans) {
      if (s.startTimeUnixNano < start) start = s.startTimeUnixNano;
      if (s.endTimeUnixNano > end) end = s.endTimeUnixNano;
    }
    this.start = start;
    this.duration = end > start ? end - start : 0n;
  }

  get rootName(): string | undefined {
    return this.root?.name;
  }

  get rootServiceName(): string | undefined {
    return this.root ? serviceName(this.root.resource) : undefined;
  }

  /** Duration of span `i` in nanoseconds. */
  spanDuration(i: number): bigint {
    return spanDuration(this.spans[i]!);
  }
}
