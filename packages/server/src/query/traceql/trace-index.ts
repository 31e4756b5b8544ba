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
  private readonly children: number[][];
  private nested: { left: Int32Array; right: Int32Array; parent: Int32Array } | undefined;

  constructor(input: readonly Span[]) {
    const spans = [...input].sort((a, b) =>
      a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0,
    );
    this.spans = spans;
    const byId = new Map<string, number>();
    spans.forEach((s, i) => byId.set(s.spanId, i));
    this.parent = new Int32Array(spans.length);
    const children: number[][] = (this.children = spans.map(() => []));
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

  childCount(i: number): number {
    return this.children[i]!.length;
  }

  /**
   * Tempo's nested set numbering, worked out on first use: a depth-first walk from each root (children by start)
   * numbers a span on entering (left) and on leaving (right); `parent` is the parent's left, -1 for a root. Spans
   * caught in a parent cycle are never reached and keep 0, as Tempo leaves spans outside a complete tree.
   */
  nestedSet(): { readonly left: Int32Array; readonly right: Int32Array; readonly parent: Int32Array } {
    if (this.nested) return this.nested;
    const n = this.spans.length;
    const left = new Int32Array(n);
    const right = new Int32Array(n);
    const parent = new Int32Array(n);
    let counter = 1;
    for (let r = 0; r < n; r++) {
      if (this.parent[r]! >= 0) continue;
      parent[r] = -1;
      const stack: Array<[node: number, next: number]> = [[r, 0]];
      left[r] = counter++;
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const kids = this.children[top[0]]!;
        if (top[1] < kids.length) {
          const c = kids[top[1]++]!;
          left[c] = counter++;
          parent[c] = left[top[0]]!;
          stack.push([c, 0]);
        } else {
          right[top[0]] = counter++;
          stack.pop();
        }
      }
    }
    return (this.nested = { left, right, parent });
  }

  /** Duration of span `i` in nanoseconds. */
  spanDuration(i: number): bigint {
    return spanDuration(this.spans[i]!);
  }
}
