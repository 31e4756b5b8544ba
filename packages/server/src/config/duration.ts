import { ClewError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a human duration for configuration ("7d", "36h", "90m", "1h30m", "500ms") into milliseconds.
 * Returns null when the text is not a duration.
 * @example parseConfigDuration('7d') === 604_800_000
 */
export function parseConfigDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched > 0 && matched === text.length ? total : null;
}

/** parseConfigDuration, or a configuration error naming the text. */
export function durationMs(text: string): number {
  const ms = parseConfigDuration(text);
  if (ms === null) throw new ClewError('CONFIG_INVALID', `not a duration: ${text}`);
  return ms;
}
