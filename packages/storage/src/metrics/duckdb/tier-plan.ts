/** A stretch [lo, hi) of minutes answered from the tier of `period` minutes (1, 15 or 60). */
export interface TierSegment {
  readonly period: number;
  readonly lo: number;
  readonly hi: number;
}

/** A rolled tier: rows of `period` minutes, holding exactly the minutes in [lo, hi). */
export interface RolledTier {
  readonly period: number;
  readonly lo: number;
  readonly hi: number;
  /** Kept at the service level only (operations added up): reads by operation plan without it. */
  readonly serviceLevel?: boolean;
}

const ceilTo = (t: number, p: number): number => Math.ceil(t / p) * p;
const floorTo = (t: number, p: number): number => Math.floor(t / p) * p;

/**
 * Covers the minutes [from, to) with the coarsest tiers that answer them exactly: a rolled tier serves the whole
 * periods inside the window (and inside what it holds) when its period divides the step (or there is no step, one
 * bucket); the ends go to the next finer tier, down to minutes.
 * @example planSegments(10, 200, undefined, [{ period: 60, lo: 0, hi: 180 }]) // minutes 10–60, hours 60–180, minutes 180–200
 */
export function planSegments(from: number, to: number, step: number | undefined, tiers: readonly RolledTier[]): TierSegment[] {
  const usable = tiers
    .filter((t) => t.period > 1 && (step === undefined || step % t.period === 0))
    .sort((a, b) => b.period - a.period);
  const out: TierSegment[] = [];
  const cover = (lo: number, hi: number, i: number): void => {
    if (lo >= hi) return;
    const tier = usable[i];
    if (!tier) {
      out.push({ period: 1, lo, hi });
      return;
    }
    const a = Math.max(ceilTo(lo, tier.period), ceilTo(tier.lo, tier.period));
    const b = Math.min(floorTo(hi, tier.period), floorTo(tier.hi, tier.period));
    if (a >= b) return cover(lo, hi, i + 1);
    cover(lo, a, i + 1);
    out.push({ period: tier.period, lo: a, hi: b });
    cover(b, hi, i + 1);
  };
  cover(from, to, 0);
  return out;
}
