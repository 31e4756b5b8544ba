import type { LatencyBins, SpanKind, Tenant } from '@clew/model';

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
  /** Read-only: handed out as it is in the points of every query that reads this period alone in a bucket. */
  readonly latency: LatencyBins;
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
  for (const g of groups) n += 200 + g.key.length * 2 + 16 * g.latency.keys.length;
  return n;
}

/**
 * Merged span metrics of closed periods, per (query shape, tier period, period start), least recently used first
 * out past a byte budget. A period's sums depend only on the rows of its minutes, not on which tier or table held
 * them, so compaction, rollups and day rewrites leave entries valid; what changes them is an append touching one of
 * their minutes (a late delta) or a `dropBefore`, and the store reports both (`touched`, `dropped`) once committed.
 *
 * A read that ran across such a change may have read the rows before it: `begin` hands a read the version, and
 * `put` refuses entries from a read that began before the last change. Appends of minutes no read treats as closed
 * yet (the newest minutes, within the compaction grace) change nothing here and cost a comparison.
 */
export class ClosedPeriodCache {
  private readonly entries = new Map<string, PeriodEntry>();
  private bytes = 0;
  private version = 0;
  private high = -Infinity;

  constructor(readonly budgetBytes: number) {}

  /** The highest `closedBefore` a read has been given: an append of minutes at or after it touches no entry. */
  get closedHigh(): number {
    return this.high;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** A read starts, treating minutes before `closedBefore` as closed; pass the result to `put`. */
  begin(closedBefore: number): number {
    if (closedBefore > this.high) this.high = closedBefore;
    return this.version;
  }

  get(key: string): PeriodEntry | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  put(key: string, entry: PeriodEntry, version: number): void {
    if (version !== this.version || entry.bytes > this.budgetBytes) return;
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  /** An append of `tenant`'s rows for these minutes committed. */
  touched(tenant: Tenant, minutes: Iterable<number>): void {
    let hit: number[] | undefined;
    for (const m of minutes) if (m < this.high) (hit ??= []).push(m);
    if (!hit) return;
    this.version++;
    for (const [k, e] of this.entries) {
      if (e.tenant === tenant && hit.some((m) => m >= e.lo && m < e.hi)) this.remove(k);
    }
  }

  /** Minutes before `t` were dropped, of one tenant or (undefined) of all. */
  dropped(t: number, tenant: Tenant | undefined): void {
    this.version++;
    for (const [k, e] of this.entries) {
      if (e.lo < t && (tenant === undefined || e.tenant === tenant)) this.remove(k);
    }
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}
