import { describe, expect, it } from 'vitest';
import type { PeriodGroup } from './closed-period-cache.js';
import { ClosedPeriodCache, entryBytes } from './closed-period-cache.js';

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

describe('ClosedPeriodCache', () => {
  it('evicts the least recently used entries past its byte budget', () => {
    const one = entry('t', 0, 15).bytes;
    const cache = new ClosedPeriodCache(3 * one);
    const v = cache.begin(1000);
    for (const k of ['q0', 'q15', 'q30']) cache.put(k, entry('t', 0, 15), v);
    cache.get('q0'); // now the most recently used
    cache.put('q45', entry('t', 45, 60), v);
    expect(cache.get('q15')).toBeUndefined();
    expect(cache.get('q0')).toBeDefined();
    expect(cache.size).toEqual({ entries: 3, bytes: 3 * one });
  });

  it('drops the entries holding a touched minute of that tenant, and refuses entries of reads begun before', () => {
    const cache = new ClosedPeriodCache(1 << 20);
    const v = cache.begin(100);
    cache.put('a0', entry('a', 0, 60), v);
    cache.put('a60', entry('a', 60, 75), v);
    cache.put('b0', entry('b', 0, 60), v);
    cache.touched('a', [200]); // after every closed minute: nothing changes
    expect(cache.size.entries).toBe(3);
    cache.touched('a', [30]);
    expect([cache.get('a0'), cache.get('a60'), cache.get('b0')].map((e) => e !== undefined)).toEqual([false, true, true]);
    cache.put('a0', entry('a', 0, 60), v); // read before the late delta: refused
    expect(cache.get('a0')).toBeUndefined();
    cache.put('a0', entry('a', 0, 60), cache.begin(100));
    expect(cache.get('a0')).toBeDefined();
  });

  it('drops entries starting before a retention cutoff, of one tenant or of all', () => {
    const cache = new ClosedPeriodCache(1 << 20);
    const v = cache.begin(1000);
    for (const t of ['a', 'b']) for (const lo of [0, 60, 120]) cache.put(`${t}${lo}`, entry(t, lo, lo + 60), v);
    cache.dropped(61, 'a');
    expect(['a0', 'a60', 'a120', 'b0'].map((k) => cache.get(k) !== undefined)).toEqual([false, false, true, true]);
    cache.dropped(60, undefined);
    expect(['a120', 'b0', 'b60'].map((k) => cache.get(k) !== undefined)).toEqual([true, false, true]);
  });
});
