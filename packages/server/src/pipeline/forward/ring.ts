import { crc32 } from 'node:zlib';
import type { TraceId } from '@clew/model';

/** Positions on the ring: 360 degrees with two decimals, as the OpenTelemetry Collector's load-balancing exporter. */
const RING_POSITIONS = 36_000;
/** Positions each member takes (the exporter's `defaultWeight`): enough that removing one spreads its share. */
const POSITIONS_PER_MEMBER = 100;

interface RingItem {
  readonly position: number;
  readonly member: string;
}

/**
 * A consistent hash ring of collectors (Karger et al.), built as the OpenTelemetry Collector's load-balancing exporter
 * builds its own (`consistent_hashing.go`): each member takes 100 positions, crc32(member + byte i) mod 36,000, a
 * position already taken going to the member first in sorted order; a trace belongs to the first member at or after
 * crc32(trace id bytes) mod 36,000, wrapping around. Every collector given the same members computes the same owner
 * for a trace without talking to the others, and removing a member moves only the traces it owned.
 *
 * @example new HashRing(['http://10.0.0.1:4318', 'http://10.0.0.2:4318']).ownerOf(span.traceId)
 */
export class HashRing {
  private readonly items: readonly RingItem[];
  readonly members: readonly string[];

  constructor(members: readonly string[]) {
    if (members.length === 0) throw new RangeError('a hash ring needs at least one member');
    // Sorted, as the exporter's resolvers sort endpoints: a position two members hash to goes to the same one on
    // every collector, whatever order each was configured in.
    this.members = [...new Set(members)].sort();
    const taken = new Set<number>();
    const items: RingItem[] = [];
    for (const member of this.members) {
      const name = Buffer.from(member, 'utf8');
      for (let i = 0; i < POSITIONS_PER_MEMBER; i++) {
        const position = crc32(Buffer.concat([name, Buffer.of(i)])) % RING_POSITIONS;
        if (taken.has(position)) continue;
        taken.add(position);
        items.push({ position, member });
      }
    }
    this.items = items.sort((a, b) => a.position - b.position);
  }

  /**
   * The member that owns a trace: the first at or after its position. With `isLive`, members it answers false for
   * are passed over (the next live member clockwise takes their traces); undefined when none is live.
   */
  ownerOf(traceId: TraceId, isLive?: (member: string) => boolean): string | undefined {
    const start = this.firstAtOrAfter(positionOf(traceId));
    for (let k = 0; k < this.items.length; k++) {
      const { member } = this.items[(start + k) % this.items.length]!;
      if (isLive === undefined || isLive(member)) return member;
    }
    return undefined;
  }

  /** Index of the first item whose position is at or after `position` (0 past the last: the ring wraps). */
  private firstAtOrAfter(position: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.position < position) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.items.length ? 0 : lo;
  }
}

/** A trace's position: crc32 (IEEE) of its 16 id bytes, as the exporter hashes `TraceID.Bytes()`. */
export function positionOf(traceId: TraceId): number {
  return crc32(Buffer.from(traceId, 'hex')) % RING_POSITIONS;
}
