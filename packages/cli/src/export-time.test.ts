import type { UnixNanos } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { parseTime } from './export-time.js';

const NOW = 1_793_577_600_123_456_789n as UnixNanos; // 2026-11-02T00:00:00.123456789Z
const H = 3_600_000_000_000n;

describe('parseTime: what --from and --to take', () => {
  it.each([
    ['now', NOW],
    ['-24h', NOW - 24n * H],
    ['-30m', NOW - 30n * 60_000_000_000n],
    ['-90s', NOW - 90_000_000_000n],
    ['-7d', NOW - 7n * 24n * H],
    ['-2w', NOW - 14n * 24n * H],
    ['2026-11-02', 1_793_577_600_000_000_000n],
    ['2026-11-02T00:00:00Z', 1_793_577_600_000_000_000n],
    ['2026-11-02T08:00:00.5Z', 1_793_577_600_000_000_000n + 8n * H + 500_000_000n],
    ['2026-11-02T00:00:00.000000001Z', 1_793_577_600_000_000_001n],
    ['2026-11-02T02:00:00+02:00', 1_793_577_600_000_000_000n],
    ['2026-11-01T19:00:00.123456789-05:00', 1_793_577_600_123_456_789n],
  ])('%s', (text, want) => {
    expect(parseTime(text, NOW)).toBe(want);
  });

  it.each(['yesterday', '24h', '-24x', '2026-13-02', '2026-02-30', '2026-11-31T00:00:00Z', '2026-11-02T24:00:00Z', '2026-11-02T00:60:00Z', '2026-11-02T00:00:00', '2026-11-02T00:00:00.1234567891Z', ''])('refuses %j, saying what it takes', (text) => {
    expect(() => parseTime(text, NOW)).toThrow(/RFC 3339 .*-24h/);
  });

  it('refuses a time before 1970', () => {
    expect(() => parseTime('-999999999999d', NOW)).toThrow('"-999999999999d" is before 1970');
    expect(parseTime('-20000d', NOW)).toBeGreaterThan(0n);
  });
});
