import { describe, expect, it } from 'vitest';
import { formatNanos } from './duration.js';

describe('formatNanos', () => {
  it.each([
    [0, '0ns'],
    [850, '850ns'],
    [12_340, '12.3µs'],
    [730_000, '730µs'],
    [999_700, '1000µs'],
    [1_500_000, '1.5ms'],
    [4_560_000, '4.56ms'],
    [100_000_000, '100ms'],
    [1_230_000_000, '1.23s'],
    [125_000_000_000, '2m 5s'],
  ])('%d ns → %s', (ns, text) => expect(formatNanos(ns)).toBe(text));
});
