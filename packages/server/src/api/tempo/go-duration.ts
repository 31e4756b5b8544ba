/** Go's units below a second, as time.Duration.String picks them: the largest whose count is at least 1. */
const SUBSECOND_UNITS: ReadonlyArray<readonly [bigint, string, number]> = [
  [1_000_000n, 'ms', 6],
  [1_000n, 'µs', 3], // U+00B5 micro sign, as Go writes it
  [1n, 'ns', 0],
];

/**
 * A duration in nanoseconds as Go's time.Duration.String writes it, which is how Tempo writes duration values:
 * under a second in ms, µs or ns with a decimal fraction, from a second on as hours, minutes and seconds.
 * @example formatGoDuration(70_000_000n) === '70ms'; formatGoDuration(5_430_000_000n) === '5.43s'; formatGoDuration(3_723_000_000_000n) === '1h2m3s'
 */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const u = nanos < 0n ? -nanos : nanos;
  if (u < 1_000_000_000n) {
    const [, unit, precision] = SUBSECOND_UNITS.find(([size]) => u >= size)!;
    return `${sign}${withFraction(u, precision)}${unit}`;
  }
  const seconds = withFraction(u % 60_000_000_000n, 9);
  const minutes = u / 60_000_000_000n;
  if (minutes === 0n) return `${sign}${seconds}s`;
  const hours = minutes / 60n;
  return `${sign}${hours > 0n ? `${hours}h` : ''}${minutes % 60n}m${seconds}s`;
}

/** `u` / 10^precision with its fraction, trailing zeros (and a bare point) left out, as Go's fmtFrac does. */
function withFraction(u: bigint, precision: number): string {
  if (precision === 0) return String(u);
  const scale = 10n ** BigInt(precision);
  const fraction = String(u % scale).padStart(precision, '0').replace(/0+$/, '');
  return fraction === '' ? String(u / scale) : `${u / scale}.${fraction}`;
}
