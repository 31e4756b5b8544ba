import { describe, expect, it } from 'vitest';
import { BinsAccumulator } from './bins-accumulator.js';
import { decodeBins, encodeBins } from './bins-codec.js';

describe('latency bins codec', () => {
  it.each([
    ['empty', { keys: [], counts: [], zeroCount: 0 }],
    ['whole counts', { keys: [-40, 0, 1, 2, 900, 2183], counts: [1, 2, 300, 1, 2 ** 40, 7], zeroCount: 3 }],
    ['fractional weights', { keys: [5, 6], counts: [0.1, 2.5], zeroCount: 0 }],
    ['fractional zero count', { keys: [5], counts: [1], zeroCount: 0.5 }],
    ['large key gaps', { keys: [-35_000, 35_000], counts: [1, 1], zeroCount: 0 }],
  ])('round-trips %s exactly', (_, bins) => {
    expect(decodeBins(encodeBins(bins))).toEqual(bins);
  });

  it('stores a typical minute in about two bytes a bin', () => {
    const keys = Array.from({ length: 40 }, (_, i) => 1000 + i);
    expect(encodeBins({ keys, counts: keys.map((k) => k % 9), zeroCount: 0 }).length).toBeLessThan(90);
  });
});

describe('BinsAccumulator', () => {
  it('sums counts per key, growing both ways, and keeps keys with a zero count', () => {
    const acc = new BinsAccumulator();
    acc.addEncoded(encodeBins({ keys: [100, 101], counts: [1, 2], zeroCount: 1 }));
    acc.addBins({ keys: [-300, 101, 5000], counts: [4, 3, 0], zeroCount: 0.5 });
    expect(acc.build()).toEqual({ keys: [-300, 100, 101, 5000], counts: [4, 1, 5, 0], zeroCount: 1.5 });
  });
});
