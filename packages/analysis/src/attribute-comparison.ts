/*
 * What is different about a selection of spans (the slow ones, the failing ones) against the rest of the window, as
 * Honeycomb's BubbleUp and Grafana Traces Drilldown's comparison show it: for every attribute value, its share of the
 * selection beside its share of the baseline, ranked by how much more often it occurs in the selection.
 */

/** How many spans of a side the counts were taken from (all of them, or a sample). */
export interface ComparedSide {
  /** Spans of this side in the window. */
  readonly spans: number;
  /** Spans whose attributes were counted; shares are of these. */
  readonly counted: number;
}

export interface ValueCountsInput {
  readonly value: string;
  readonly selection: number;
  readonly baseline: number;
}

/** One attribute key's counts: the spans of each side carrying it, how many distinct values, its top values. */
export interface KeyCountsInput {
  readonly scope: string;
  readonly key: string;
  readonly selection: number;
  readonly baseline: number;
  readonly distinctValues: number;
  readonly values: readonly ValueCountsInput[];
}

export interface AttributeCountsInput {
  readonly selection: ComparedSide;
  readonly baseline: ComparedSide;
  readonly keys: readonly KeyCountsInput[];
}

export interface ComparisonOptions {
  /** A key with at least this many distinct values, … (default 20) */
  readonly highCardinalityMinDistinct?: number;
  /** … none of which is on more than this share (0–1) of the spans carrying the key (both sides), is an id (default 0.05). */
  readonly highCardinalityMaxShare?: number;
  /** Keys (`scope:key` or plain `key`) left out, each with this reason, e.g. the one the selection is made of. */
  readonly exclude?: readonly string[];
  /** At most this many ranked values (default 100). */
  readonly limit?: number;
}

export interface RankedValue {
  readonly scope: string;
  readonly key: string;
  /** The value as text; null for a high-cardinality key whose values are grouped into one entry (the key is present). */
  readonly value: string | null;
  /** Share of the counted spans of each side with this value, in percent. */
  readonly selectionPercent: number;
  readonly baselinePercent: number;
  /** selectionPercent − baselinePercent, in percentage points: what the ranking is by. */
  readonly difference: number;
  readonly selectionCount: number;
  readonly baselineCount: number;
  /**
   * The two-proportion z-score of the difference (pooled): how many standard errors it is away from none; above
   * about 2 it is unlikely to be chance. 0 when either side counted no spans.
   */
  readonly z: number;
}

export type SetAsideReason = 'high-cardinality' | 'excluded';

export interface SetAsideKey {
  readonly scope: string;
  readonly key: string;
  readonly distinctValues: number;
  readonly reason: SetAsideReason;
  /** The reason in words, with the figures behind it. */
  readonly detail: string;
}

export interface AttributeComparison {
  /** Values over-represented in the selection (difference > 0), largest difference first. */
  readonly values: readonly RankedValue[];
  /** Keys not ranked value by value, with why; a high-cardinality key is ranked once, grouped (value null). */
  readonly setAside: readonly SetAsideKey[];
  /** How many over-represented values were cut by the limit. */
  readonly omitted: number;
}

const SCOPE_ORDER = ['intrinsic', 'resource', 'span', 'event'];
const scopeRank = (s: string): number => {
  const i = SCOPE_ORDER.indexOf(s);
  return i < 0 ? SCOPE_ORDER.length : i;
};
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Percent of `n` in `of`; 0 when `of` is 0. */
const percent = (n: number, of: number): number => (of > 0 ? (100 * n) / of : 0);

/** The pooled two-proportion z-score of x1/n1 against x2/n2. */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 0;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return 0;
  return (x1 / n1 - x2 / n2) / se;
}

/**
 * Why a key is an id rather than a dimension, or null: many distinct values, each on a small share of the spans
 * carrying the key (so no single value can stand out).
 */
export function highCardinalityReason(k: KeyCountsInput, opts: ComparisonOptions = {}): string | null {
  const minDistinct = opts.highCardinalityMinDistinct ?? 20;
  const maxShare = opts.highCardinalityMaxShare ?? 0.05;
  if (k.distinctValues < minDistinct) return null;
  // Over both sides together: a small selection makes any one value a large share of it.
  const carrying = k.selection + k.baseline;
  let top = 0;
  for (const v of k.values) top = Math.max(top, carrying > 0 ? (v.selection + v.baseline) / carrying : 0);
  if (top > maxShare) return null;
  const pct = (100 * top).toFixed(top < 0.01 ? 2 : 1);
  return `${k.distinctValues} distinct values, the most frequent on ${pct}% of the spans with the key: values grouped into one`;
}

/**
 * Ranks attribute values by how much more of the selection than of the baseline carries them (difference in share,
 * percentage points), each with both percentages; high-cardinality keys (ids) are ranked once as "key present" and
 * listed with the reason. Deterministic: ties by selection count, then scope, key and value.
 * @example compareAttributes(await store.attributeCounts({ filter, selection: { minDuration: 500_000_000n }, topValues: 10, maxSpans: 200_000 }))
 */
export function compareAttributes(counts: AttributeCountsInput, opts: ComparisonOptions = {}): AttributeComparison {
  const nSel = counts.selection.counted;
  const nBase = counts.baseline.counted;
  const exclude = new Set(opts.exclude ?? []);
  const ranked: RankedValue[] = [];
  const setAside: SetAsideKey[] = [];
  const entry = (k: KeyCountsInput, value: string | null, s: number, b: number): RankedValue => {
    const selectionPercent = percent(s, nSel);
    const baselinePercent = percent(b, nBase);
    return {
      scope: k.scope,
      key: k.key,
      value,
      selectionPercent,
      baselinePercent,
      difference: selectionPercent - baselinePercent,
      selectionCount: s,
      baselineCount: b,
      z: twoProportionZ(s, nSel, b, nBase),
    };
  };
  for (const k of counts.keys) {
    if (exclude.has(`${k.scope}:${k.key}`) || exclude.has(k.key)) {
      setAside.push({ scope: k.scope, key: k.key, distinctValues: k.distinctValues, reason: 'excluded', detail: 'left out by the request (the selection is made of it)' });
      continue;
    }
    const high = highCardinalityReason(k, opts);
    if (high !== null) {
      setAside.push({ scope: k.scope, key: k.key, distinctValues: k.distinctValues, reason: 'high-cardinality', detail: high });
      ranked.push(entry(k, null, k.selection, k.baseline));
      continue;
    }
    for (const v of k.values) ranked.push(entry(k, v.value, v.selection, v.baseline));
  }
  const over = ranked.filter((r) => r.difference > 0).sort(byRank);
  const limit = Math.max(0, opts.limit ?? 100);
  setAside.sort((a, b) => scopeRank(a.scope) - scopeRank(b.scope) || byCodeUnit(a.key, b.key));
  return { values: over.slice(0, limit), setAside, omitted: Math.max(0, over.length - limit) };
}

function byRank(a: RankedValue, b: RankedValue): number {
  return (
    b.difference - a.difference ||
    b.selectionCount - a.selectionCount ||
    scopeRank(a.scope) - scopeRank(b.scope) ||
    byCodeUnit(a.key, b.key) ||
    // A grouped entry (null) after the key's values.
    (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) ||
    byCodeUnit(a.value ?? '', b.value ?? '')
  );
}
