import { GoParseError, goQuote } from './go-strconv.js';

/** Nanoseconds per unit, as Go's time.ParseDuration knows them (both micro signs included). */
const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const MAX = 1n << 63n;

/**
 * Parses a duration the way Go's time.ParseDuration does (Jaeger parses minDuration/maxDuration and api_v3's
 * query.duration_min/max with it): a signed sequence of decimal numbers, each with an optional fraction and a unit,
 * such as "300ms", "-1.5h" or "2h45m". Returns nanoseconds; throws GoParseError with Go's message otherwise.
 * @example parseGoDuration('1.2s') === 1_200_000_000n
 */
export function parseGoDuration(orig: string): bigint {
  const invalid = (): GoParseError => new GoParseError(`time: invalid duration ${goQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]!))) throw invalid();
    const int = /^[0-9]*/.exec(s)![0];
    s = s.slice(int.length);
    const whole = int === '' ? 0n : BigInt(int);
    if (whole > MAX) throw invalid(); // Go's leadingInt overflows past 2^63
    let frac = '';
    let hadFraction = false;
    if (s[0] === '.') {
      s = s.slice(1);
      frac = /^[0-9]*/.exec(s)![0];
      s = s.slice(frac.length);
      hadFraction = frac !== '';
    }
    if (int === '' && !hadFraction) throw invalid();
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') throw new GoParseError(`time: missing unit in duration ${goQuote(orig)}`);
    s = s.slice(unitText.length);
    const unit = UNITS.get(unitText);
    if (unit === undefined) {
      throw new GoParseError(`time: unknown unit ${goQuote(unitText)} in duration ${goQuote(orig)}`);
    }
    if (whole > MAX / unit) throw invalid();
    let v = whole * unit;
    // Go scales the fraction through float64 and truncates; exact decimal arithmetic agrees for any digits a
    // person types, and stays exact where float64 would round.
    if (hadFraction) v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    if (v > MAX) throw invalid();
    total += v;
    if (total > MAX) throw invalid();
  }
  if (neg) return -total;
  if (total > MAX - 1n) throw invalid();
  return total;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
