import type { LatencyBins, SpanKind, Tenant } from '@clew/model';
import { StoredBins } from './bins-codec.js';

/** The dimensions a query groups by, as they appear in its points (absent when not grouped by). */
export interface SpanGroup {
  readonly service?: string;
  readonly operation?: string;
  readonly kind?: SpanKind;
}

/** One group's sums over one closed period. */
export interface PeriodGroup {
  /** The group's key within its query shape (see `readSpanMetrics`). */
  readonly key: string;
  readonly group: SpanGroup;
  readonly count: number;
  readonly errors: number;
  readonly dur: number;
  /**
   * Read-only: handed out as it is in the points of every query that reads this period alone in a bucket. A
   * period of one stored row read for quantiles keeps the row as stored (decoded if ever merged).
   */
  readonly latency: LatencyBins | StoredBins;
}

/** What one query shape read over one period of a tier: every group with rows in it (none is an answer too). */
export interface PeriodEntry {
  readonly tenant: Tenant;
  /** Minutes [lo, hi). */
  readonly lo: number;
  readonly hi: number;
  readonly groups: readonly PeriodGroup[];
  readonly bytes: number;
}

/** Rough heap bytes of an entry: two number arrays per group (8 bytes an element each) and the objects around them. */
export function entryBytes(groups: readonly PeriodGroup[]): number {
  let n = 120;
  for (const g of groups) n += 200 + g.key.length * 2 + (g.latency instanceof StoredBins ? 2 * g.latency.chars + 64 : 16 * g.latency.keys.length);
  return n;
}

/** The entries of one query shape, by period (`periodKey`). */
export type ShapeEntries = Map<number, Node>;

interface Node {
  readonly shape: ShapeEntries;
  readonly shapeName: string;
  readonly key: number;
  readonly entry: PeriodEntry;
  prev: Node | null;
  next: Node | null;
}

/** A period's key within its shape: its first minute and its length (1, 15, 60 or 360). */
export const periodKey = (period: number, start: number): number => start * 1024 + period;

/**
 * Merged span metrics of closed periods, per (query shape, tier period, period start), least recently used first
 * out past a byte budget. A period's sums depend only on the rows of its minutes, not on which tier or table held
 * them, so compaction, rollups and day rewrites leave entries valid; what changes them is an append touching one of
 * their minutes (a late delta) or a `dropBefore`, and the store reports both (`touched`, `dropped`) once committed.
 *
 * A read that ran across such a change may have read the rows before it: `begin` hands a read the version, and
 * `put` refuses entries from a read that began before the last change. Appends of minutes no read treats as closed
 * yet (the newest minutes, within the compaction grace) change nothing here and cost a comparison.
 *
 * Shapes are looked up once per read, periods by number, and recency is a linked list: a query of a few thousand
 * periods (an SLO's minutes over days) spent most of its time hashing string keys and reordering one map.
 */
export class ClosedPeriodCache {
  private readonly shapes = new Map<string, ShapeEntries>();
  /** Least recently used first. */
  private head: Node | null = null;
  private tail: Node | null = null;
  private count = 0;
  private bytes = 0;
  private version = 0;
  private high = -Infinity;

  constructor(readonly budgetBytes: number) {}

  /** The highest `closedBefore` a read has been given: an append of minutes at or after it touches no entry. */
  get closedHigh(): number {
    return this.high;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.count, bytes: this.bytes };
  }

  /** A read starts, treating minutes before `closedBefore` as closed; pass the result to `put`. */
  begin(closedBefore: number): number {
    if (closedBefore > this.high) this.high = closedBefore;
    return this.version;
  }

  /** The entries of a query shape (a string naming the tenant, filters and grouping). */
  shape(name: string): ShapeEntries {
    let s = this.shapes.get(name);
    if (!s) this.shapes.set(name, (s = new Map()));
    return s;
  }

  get(shape: ShapeEntries, key: number): PeriodEntry | undefined {
    const node = shape.get(key);
    if (!node) return undefined;
    this.unlink(node);
    this.link(node);
    return node.entry;
  }

  put(shapeName: string, key: number, entry: PeriodEntry, version: number): void {
    if (version !== this.version || entry.bytes > this.budgetBytes) return;
    const shape = this.shape(shapeName);
    const old = shape.get(key);
    if (old) this.remove(old);
    const node: Node = { shape, shapeName, key, entry, prev: null, next: null };
    shape.set(key, node);
    this.link(node);
    this.count++;
    this.bytes += entry.bytes;
    // Down to 7/8 of the budget at once, so that a full cache does not evict on every put.
    if (this.bytes > this.budgetBytes) while (this.head && this.bytes > this.budgetBytes * 0.875) this.remove(this.head);
  }

  /** An append of `tenant`'s rows for these minutes committed. */
  touched(tenant: Tenant, minutes: Iterable<number>): void {
    let hit: number[] | undefined;
    for (const m of minutes) if (m < this.high) (hit ??= []).push(m);
    if (!hit) return;
    this.version++;
    this.removeWhere((e) => e.tenant === tenant && hit.some((m) => m >= e.lo && m < e.hi));
  }

  /** Minutes before `t` were dropped, of one tenant or (undefined) of all. */
  dropped(t: number, tenant: Tenant | undefined): void {
    this.version++;
    this.removeWhere((e) => e.lo < t && (tenant === undefined || e.tenant === tenant));
  }

  private removeWhere(test: (e: PeriodEntry) => boolean): void {
    for (let n = this.head; n; ) {
      const next = n.next;
      if (test(n.entry)) this.remove(n);
      n = next;
    }
  }

  private remove(node: Node): void {
    this.unlink(node);
    node.shape.delete(node.key);
    if (node.shape.size === 0 && this.shapes.get(node.shapeName) === node.shape) this.shapes.delete(node.shapeName);
    this.count--;
    this.bytes -= node.entry.bytes;
  }

  private link(node: Node): void {
    node.prev = this.tail;
    node.next = null;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
  }

  private unlink(node: Node): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = null;
  }
}
