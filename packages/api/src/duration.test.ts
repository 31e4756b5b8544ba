import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['150ms', 150_000_000n],
    ['1.5s', 1_500_000_000n],
    ['2m30s', 150_000_000_000n],
    ['0.25h', 900_000_000_000n],
    ['.5ms', 500_000n],
    ['10us', 10_000n],
    ['10µs', 10_000n],
    ['7ns', 7n],
    [' 3s ', 3_000_000_000n],
    ['1.000000001s', 1_000_000_001n],
  ])('%s → %s ns', (text, ns) => expect(parseDuration(text)).toBe(ns));

  it.each(['', '150', 'ms', '-1s', '1.5', '1x', '1s2', 's1', '1..5s', '1 s'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeNull(),
  );
});

describe('formatDuration', () => {
  it.each([
    [0n, '0s'],
    [1_500_000_000n, '1500ms'],
    [2_000_000_000n, '2s'],
    [1_500n, '1500ns'],
    [3_000n, '3us'],
  ])('%s ns → %s, and back', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
    expect(parseDuration(text)).toBe(ns);
  });
});
