import { describe, expect, it } from 'vitest';
import type { PeriodGroup } from './closed-period-cache.js';
import { ClosedPeriodCache, entryBytes, periodKey } from './closed-period-cache.js';

const group = (key: string, bins: number): PeriodGroup => ({
  key,
  group: { service: key },
  count: 1,
  errors: 0,
  dur: 1,
  latency: { keys: Array.from({ length: bins }, (_, i) => i), counts: Array.from({ length: bins }, () => 1), zeroCount: 0 },
});
const entry = (tenant: string, lo: number, hi: number, bins = 10) => {
  const groups = [group('a', bins)];
  return { tenant, lo, hi, groups, bytes: entryBytes(groups) };
};

/** Entries of one shape ('s') keyed by quarter start, and of a second shape for the other tenant. */
const has = (cache: ClosedPeriodCache, name: string, starts: number[]): boolean[] =>
  starts.map((lo) => cache.get(cache.shape(name), periodKey(15, lo)) !== undefined);

describe('ClosedPeriodCache', () => {
  it('evicts the least recently used entries past its byte budget, down to 7/8 of it', () => {
    const one = entry('t', 0, 15).bytes;
    const cache = new ClosedPeriodCache(3 * one);
    const v = cache.begin(1000);
    for (const lo of [0, 15, 30]) cache.put('s', periodKey(15, lo), entry('t', lo, lo + 15), v);
    has(cache, 's', [0]); // now the most recently used
    cache.put('s', periodKey(15, 45), entry('t', 45, 60), v);
    expect(cache.size).toEqual({ entries: 2, bytes: 2 * one });
    expect(has(cache, 's', [0, 15, 30, 45])).toEqual([true, false, false, true]);
  });

  it('drops the entries holding a touched minute of that tenant, and refuses entries of reads begun before', () => {
    const cache = new ClosedPeriodCache(1 << 20);
    const v = cache.begin(100);
    cache.put('a', periodKey(15, 0), entry('a', 0, 15), v);
    cache.put('a', periodKey(15, 15), entry('a', 15, 30), v);
    cache.put('b', periodKey(15, 0), entry('b', 0, 15), v);
    cache.touched('a', [200]); // after every closed minute: nothing changes
    expect(cache.size.entries).toBe(3);
    cache.touched('a', [3]);
    expect([...has(cache, 'a', [0, 15]), ...has(cache, 'b', [0])]).toEqual([false, true, true]);
    cache.put('a', periodKey(15, 0), entry('a', 0, 15), v); // read before the late delta: refused
    expect(has(cache, 'a', [0])).toEqual([false]);
    cache.put('a', periodKey(15, 0), entry('a', 0, 15), cache.begin(100));
    expect(has(cache, 'a', [0])).toEqual([true]);
  });

  it('drops entries starting before a retention cutoff, of one tenant or of all', () => {
    const cache = new ClosedPeriodCache(1 << 20);
    const v = cache.begin(1000);
    for (const t of ['a', 'b']) for (const lo of [0, 15, 30]) cache.put(t, periodKey(15, lo), entry(t, lo, lo + 15), v);
    cache.dropped(16, 'a');
    expect([...has(cache, 'a', [0, 15, 30]), ...has(cache, 'b', [0])]).toEqual([false, false, true, true]);
    cache.dropped(15, undefined);
    expect([...has(cache, 'a', [30]), ...has(cache, 'b', [0, 15])]).toEqual([true, false, true]);
    expect(cache.size.entries).toBe(3);
  });
});
