import { describe, expect, it } from 'vitest';
import { describeChange, formatFraction, formatMs, formatRate } from './health.js';

describe('health figures', () => {
  it.each([
    [null, '—'],
    [0, '0/s'],
    [0.05, '3/min'],
    [0.1, '0.1/s'],
    [12.345, '12.3/s'],
    [2500, '2,500/s'],
  ])('rate %s is %s', (r, text) => expect(formatRate(r)).toBe(text));

  it.each([
    [null, '—'],
    [0, '0%'],
    [0.00001, '<0.01%'],
    [0.025, '2.5%'],
    [1, '100%'],
  ])('fraction %s is %s', (f, text) => expect(formatFraction(f)).toBe(text));

  it('latency in ms reads as a duration', () => {
    expect(formatMs(4.56)).toBe('4.56ms');
    expect(formatMs(1234)).toBe('1.23s');
    expect(formatMs(null)).toBe('—');
  });

  it.each([
    [120, 100, 'higher-is-worse', '↑ 20%', 'worse'],
    [80, 100, 'higher-is-worse', '↓ 20%', 'better'],
    [120, 100, 'neutral', '↑ 20%', 'neutral'],
    [100.5, 100, 'higher-is-worse', '→ 0%', 'neutral'],
    [102.04, 100, 'higher-is-worse', '↑ 2%', 'worse'],
    [166.7, 100, 'higher-is-worse', '↑ 67%', 'worse'],
    [96.6, 100, 'higher-is-worse', '↓ 3.4%', 'better'],
    [0.02, 0, 'higher-is-worse', '↑ new', 'worse'],
    [3000, 100, 'higher-is-worse', '↑ 30×', 'worse'],
  ] as const)('%s against %s (%s) is %s, %s', (cur, prev, polarity, text, tone) => {
    expect(describeChange(cur, prev, polarity)).toMatchObject({ text, tone });
  });

  it('says nothing when a side was not measured, or both were zero', () => {
    expect(describeChange(null, 1, 'neutral')).toBeUndefined();
    expect(describeChange(1, null, 'neutral')).toBeUndefined();
    expect(describeChange(0, 0, 'higher-is-worse')).toBeUndefined();
  });
});
