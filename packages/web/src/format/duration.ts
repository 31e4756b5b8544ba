/**
 * Nanoseconds as a short human duration with three significant digits: 850ns, 12.3µs, 4.56ms, 1.23s, 2m 5s.
 * Takes a number: offsets and durations inside one trace fit a double exactly enough to draw.
 */
export function formatNanos(ns: number): string {
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)}ns`;
  if (abs < 1e6) return `${sig(ns / 1e3)}µs`;
  if (abs < 1e9) return `${sig(ns / 1e6)}ms`;
  if (abs < 60e9) return `${sig(ns / 1e9)}s`;
  const m = Math.floor(abs / 60e9);
  const s = Math.round((abs - m * 60e9) / 1e9);
  return `${ns < 0 ? '-' : ''}${m}m ${s}s`;
}

function sig(v: number): string {
  const t = v.toPrecision(3);
  if (t.includes('e')) return String(Math.round(v)); // 999.7 rounds to "1.00e+3"; say 1000
  // Drop trailing zeros of a fraction only: 1.50 → 1.5, but 730 stays 730.
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}
