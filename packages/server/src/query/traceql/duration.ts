const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86_400e9,
  w: 7 * 86_400e9,
  y: 365 * 86_400e9,
};

const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w|y)/;

/**
 * Nanoseconds of a TraceQL duration, or null when `text` is not one. Accepts Go's units (ns, us, µs, ms, s, m, h,
 * with fractions) and Prometheus's (d, w, y), combined as in `1h30m`.
 * @example parseDuration('1.5s') === 1_500_000_000n
 */
export function parseDuration(text: string): bigint | null {
  let rest = text;
  let total = 0n;
  if (rest.length === 0) return null;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m) return null;
    total += partNanos(m[1]!, UNIT_NANOS[m[2]!]!);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** `number × unit` exactly when the number is whole, rounded to the nanosecond otherwise. */
function partNanos(number: string, unit: number): bigint {
  if (/^\d+$/.test(number)) return BigInt(number) * BigInt(unit);
  return BigInt(Math.round(Number(number) * unit));
}
