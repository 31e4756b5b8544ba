import { describe, expect, it } from 'vitest';
import { BinsAccumulator, sumNext } from './bins-accumulator.js';
import { latencyQuantile } from '@clew/analysis';
import type { LatencyBins } from '@clew/model';
import { BinsReader, decodeBins, decodeSummary, encodeBins, encodeSummary, StoredBins, SUMMARY_QUANTILES } from './bins-codec.js';

describe('latency bins codec', () => {
  it.each([
    ['empty', { keys: [], counts: [], zeroCount: 0 }],
    ['whole counts', { keys: [-40, 0, 1, 2, 900, 2183], counts: [1, 2, 300, 1, 2 ** 40, 2 ** 53 - 1], zeroCount: 3 }],
    ['fractional weights', { keys: [5, 6], counts: [0.1, 2.5], zeroCount: 0 }],
    ['fractional zero count', { keys: [5], counts: [1], zeroCount: 0.5 }],
    ['extreme weights', { keys: [1, 2, 3], counts: [1e-300, 1.7976931348623157e308, -2], zeroCount: 0 }],
    ['large key gaps', { keys: [-35_000, 35_000], counts: [1, 1], zeroCount: 0 }],
  ])('round-trips %s exactly, as printable ASCII', (_, bins) => {
    const s = encodeBins(bins);
    expect(s).toMatch(/^[\x21-\x7e]*$/);
    expect(decodeBins(s)).toEqual(bins);
  });

  it('reads concatenations in sequence', () => {
    const a = { keys: [3, 4], counts: [1, 0.5], zeroCount: 0 };
    const b = { keys: [900], counts: [7], zeroCount: 2 };
    const r = new BinsReader(encodeBins(a) + encodeBins(b) + encodeBins(a));
    expect([r.next(), r.next(), r.next(), r.done]).toEqual([a, b, a, true]);
  });

  it('stores a typical minute in about two characters a bin', () => {
    const keys = Array.from({ length: 40 }, (_, i) => 1000 + i);
    expect(encodeBins({ keys, counts: keys.map((k) => k % 9), zeroCount: 0 }).length).toBeLessThan(90);
  });
});

describe('BinsAccumulator', () => {
  it('sums counts per key and keeps keys with a zero count', () => {
    const acc = new BinsAccumulator();
    acc.addEncoded(encodeBins({ keys: [100, 101], counts: [1, 2], zeroCount: 1 }));
    acc.addBins({ keys: [-300, 101, 5000], counts: [4, 3, 0], zeroCount: 0.5 });
    expect(acc.build()).toEqual({ keys: [-300, 100, 101, 5000], counts: [4, 1, 5, 0], zeroCount: 1.5 });
    // The shared scratch is clean for the next merge.
    const next = new BinsAccumulator();
    next.addBins({ keys: [7], counts: [1], zeroCount: 0 });
    next.addFrom(new BinsReader(encodeBins({ keys: [8], counts: [1], zeroCount: 0 })), 1);
    expect(next.build()).toEqual({ keys: [7, 8], counts: [1, 1], zeroCount: 0 });
  });

  it('merges keys beyond the dense range', () => {
    const acc = new BinsAccumulator();
    acc.addBins({ keys: [-40_000, 1, 40_000], counts: [1, 2, 3], zeroCount: 0 });
    acc.addEncoded(encodeBins({ keys: [1, 40_000], counts: [1, 1], zeroCount: 0 }));
    expect(acc.build()).toEqual({ keys: [-40_000, 1, 40_000], counts: [1, 3, 4], zeroCount: 0 });
  });
});

describe('latency summaries', () => {
  it.each([
    ['one bin', { keys: [900], counts: [7], zeroCount: 0 }],
    ['negative and far keys, whole counts', { keys: [-40, 0, 1, 2, 900, 40_000], counts: [1, 2, 300, 1, 5, 1], zeroCount: 0 }],
    ['mostly zero durations', { keys: [800, 801], counts: [1, 1], zeroCount: 98 }],
    ['zeros under the median only', { keys: [800, 1200], counts: [40, 10], zeroCount: 50 }],
    ['weights that are not whole', { keys: [700, 701, 1500], counts: [0.5, 2.25, 1e-3], zeroCount: 0.5 }],
  ])('keeps the quantiles latencyQuantile reads (%s)', (_, bins) => {
    const text = encodeSummary(bins);
    expect(text).not.toBeNull();
    expect(decodeSummary(text!)).toEqual(SUMMARY_QUANTILES.map((q) => latencyQuantile(bins, q)));
  });

  it('has none for empty bins', () => {
    expect(encodeSummary({ keys: [], counts: [], zeroCount: 0 })).toBeNull();
  });

  it('reads a summary between a row count and its bins (or their absence)', () => {
    const a = { keys: [1, 5, 90], counts: [1, 2.5, 3], zeroCount: 1 };
    const b = { keys: [-3, 4000], counts: [2, 9], zeroCount: 0 };
    const r = new BinsReader(`1,${encodeSummary(a)};${encodeBins(a)}2,;${encodeBins(b)}1,${encodeSummary(b)}!3,!`);
    expect(r.decimal()).toBe(1);
    expect(r.optionalSummary()).toEqual({ summary: SUMMARY_QUANTILES.map((q) => latencyQuantile(a, q)), bins: true, chars: undefined });
    expect(r.next()).toEqual(a);
    expect(r.decimal()).toBe(2);
    expect(r.optionalSummary()).toEqual({ summary: undefined, bins: true, chars: undefined });
    expect(r.next()).toEqual(b);
    expect(r.decimal()).toBe(1);
    expect(r.optionalSummary()).toEqual({ summary: SUMMARY_QUANTILES.map((q) => latencyQuantile(b, q)), bins: false, chars: undefined });
    expect(r.decimal()).toBe(3);
    expect(r.optionalSummary()).toEqual({ summary: undefined, bins: false, chars: undefined });
    expect(r.done).toBe(true);
  });

  it("reads a lone row's bins length after its summary, so that they are stepped over without decoding", () => {
    const a = { keys: [1, 5, 90], counts: [1, 2.5, 3], zeroCount: 1 };
    const bins = encodeBins(a);
    const text = `${encodeSummary(a)}:${bins.length};${bins}7,`;
    const r = new BinsReader(text);
    const { summary, bins: has, chars } = r.optionalSummary();
    expect({ summary, has, chars }).toEqual({ summary: SUMMARY_QUANTILES.map((q) => latencyQuantile(a, q)), has: true, chars: bins.length });
    const start = r.pos;
    r.pos += chars!;
    expect(new StoredBins(text, start, chars!, summary).bins).toEqual(a);
    expect(r.decimal()).toBe(7);
    expect(r.done).toBe(true);
  });
});

describe('decimals written by SQL', () => {
  it.each(['0', '42', '-17', '315639000000.0', '-3.0', '2.5', '0.05', '3.15639e+17', '9007199254740993', '123456789012345678', '1.7976931348623157e+308'])(
    'reads %s as Number does',
    (text) => {
      const r = new BinsReader(`${text},${text};`);
      expect(r.decimal()).toBe(Number(text));
      expect(r.decimal()).toBe(Number(text));
      expect(r.done).toBe(true);
    },
  );
});

describe('merging bins as they are read', () => {
  const a = { keys: [3, 4, 900], counts: [1, 0.5, 2], zeroCount: 1 };
  const b = { keys: [-40_000, 4, 901], counts: [2, 3, 1], zeroCount: 0 };
  const c = { keys: [], counts: [], zeroCount: 4 };

  it('sums the next n bins of a concatenation as decoding each and merging them does, leaving the reader after them', () => {
    const r = new BinsReader(encodeBins(a) + encodeBins(b) + encodeBins(c) + encodeBins(a));
    const merged = new BinsAccumulator();
    for (const x of [a, b, c]) merged.addBins(x);
    expect(sumNext(r, 3)).toEqual(merged.build());
    expect(sumNext(r, 1)).toEqual(a);
    expect(r.done).toBe(true);
  });

  it('merges stored rows from their text the first time and from their decoded bins after, to the same sum', () => {
    const text = `xx${encodeBins(a)}${encodeBins(b)}`;
    const rowA = new StoredBins(text, 2, encodeBins(a).length, undefined);
    const rowB = new StoredBins(text, 2 + encodeBins(a).length, encodeBins(b).length, undefined);
    const sums = [0, 1, 2].map(() => {
      const acc = new BinsAccumulator();
      acc.addBins(rowA);
      acc.addBins(rowB);
      acc.addBins(a);
      return acc.build();
    });
    expect(sums[1]).toEqual(sums[0]);
    expect(sums[2]).toEqual(sums[0]);
    expect(sums[0]).toEqual({ keys: [-40_000, 3, 4, 900, 901], counts: [2, 2, 4, 4, 1], zeroCount: 2 });
    expect(rowA.bins).toEqual(a);
  });
});

describe('merging into dense counts', () => {
  /** The sum of `list`, key by key, with no codec in the way. */
  const naive = (list: LatencyBins[]): LatencyBins => {
    const sums = new Map<number, number>();
    for (const b of list) b.keys.forEach((k, i) => sums.set(k, (sums.get(k) ?? 0) + b.counts[i]!));
    const keys = [...sums.keys()].sort((x, y) => x - y);
    return { keys, counts: keys.map((k) => sums.get(k)!), zeroCount: list.reduce((n, b) => n + b.zeroCount, 0) };
  };
  const rows: LatencyBins[] = [
    { keys: [-5, 0, 7], counts: [1, 31, 32], zeroCount: 0 }, // counts either side of one character
    { keys: [800, 801, 900, 5000], counts: [2 ** 40, 1, 1023, 1024], zeroCount: 33 }, // gaps of several characters
    { keys: [], counts: [], zeroCount: 2 },
    { keys: [801, 32_767], counts: [0.25, 1], zeroCount: 0 }, // fractional: the key-by-key way
    { keys: [-32_768, 801], counts: [3, 4], zeroCount: 0 }, // the array's first index
    { keys: [-40_000, 801, 40_000], counts: [1, 1, 1], zeroCount: 1 }, // beyond the array
    { keys: [1000], counts: [5], zeroCount: 0 },
  ];

  it('sums every kind of row a concatenation holds, and leaves the reader after them', () => {
    const text = rows.map(encodeBins).join('') + encodeBins(rows[0]!);
    const r = new BinsReader(text);
    expect(sumNext(r, rows.length)).toEqual(naive(rows));
    expect(r.next()).toEqual(rows[0]);
    expect(r.done).toBe(true);
  });

  it('sums whole-count rows stored apart, and decoded rows, to what merging them key by key gives', () => {
    const whole = [rows[0]!, rows[1]!, rows[4]!, rows[6]!];
    const text = whole.map(encodeBins).join('');
    let pos = 0;
    const acc = new BinsAccumulator();
    for (const b of whole) {
      const chars = encodeBins(b).length;
      acc.addBins(new StoredBins(text, pos, chars, undefined));
      pos += chars;
    }
    acc.addBins(rows[1]!);
    expect(acc.build()).toEqual(naive([...whole, rows[1]!]));
  });

  it('reports a bad character in the bins it is merging', () => {
    const text = encodeBins(rows[0]!);
    expect(() => sumNext(new BinsReader(`${text.slice(0, 4)} ${text.slice(5)}${text}`), 2)).toThrow(/bad character at 4/);
  });
});
