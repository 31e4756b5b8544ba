/** Nanoseconds per unit of a human duration. */
const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a human duration (what a person types in a search box) into nanoseconds: one or more number-unit pairs,
 * such as "150ms", "1.5s", "2m30s" or "0.25h". Exact: fractions are scaled in decimal, not through float. Returns
 * null for anything else (negative, no unit, unknown unit).
 * @example parseDuration('1.5s') === 1_500_000_000n
 */
export function parseDuration(text: string): bigint | null {
  const s = text.trim();
  if (s === '') return null;
  let total = 0n;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex;
    const m = PART.exec(s);
    if (m === null || m.index !== at) return null;
    const [whole = '', frac = ''] = m[1]!.split('.');
    const unit = UNITS[m[2]!]!;
    total += BigInt(whole || '0') * unit + (frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length));
  }
  return total;
}

/**
 * Nanoseconds as the shortest exact human duration this API parses back, for building URLs from UI state.
 * @example formatDuration(1_500_000_000n) === '1500ms'
 */
export function formatDuration(ns: bigint): string {
  for (const [unit, size] of [['s', 1_000_000_000n], ['ms', 1_000_000n], ['us', 1_000n]] as const) {
    if (ns % size === 0n) return `${ns / size}${unit}`;
  }
  return `${ns}ns`;
}
