import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RecentMap } from './recent-map.js';

// A full collection on demand, to compare what the heap holds before and after.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The same contract kept as a plain array, oldest first: what RecentMap must hold after any sequence of calls. */
class Reference {
  readonly members: Array<[number, string]> = [];
  constructor(private readonly capacity: number) {}

  touch(key: number): string | undefined {
    const i = this.members.findIndex(([k]) => k === key);
    if (i < 0) return undefined;
    const [m] = this.members.splice(i, 1);
    this.members.push(m!);
    return m![1];
  }

  add(key: number, v: string): void {
    if (this.members.length >= this.capacity) this.members.shift();
    this.members.push([key, v]);
  }
}

/** A fixed sequence of pseudo-random numbers (xorshift32), so that every run makes the same calls. */
function* numbers(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield (x >>> 0) / 2 ** 32;
  }
}

describe('RecentMap', () => {
  it('drops the least recently touched member past its capacity', () => {
    const m = new RecentMap<string, number>(3);
    for (const k of ['a', 'b', 'c']) m.add(k, k.charCodeAt(0));
    expect(m.touch('a')).toBe(97);
    m.add('d', 100);
    expect([...m.entries()].map(([k]) => k)).toEqual(['c', 'a', 'd']);
    expect(m.touch('b')).toBeUndefined();
    m.add('e', 101);
    m.add('f', 102);
    expect([...m.entries()].map(([k]) => k)).toEqual(['d', 'e', 'f']);
  });

  // Long runs of touches (which move members to the newest end) and adds: the oldest member must go each time.
  for (const capacity of [1, 2, 5, 64]) {
    it(`holds what a plain list of the same ${capacity} members holds, over 20,000 calls`, () => {
      const m = new RecentMap<number, string>(capacity);
      const ref = new Reference(capacity);
      const random = numbers(capacity * 7919 + 1);
      for (let i = 0; i < 20_000; i++) {
        // Keys from a range a little wider than the capacity, so that touches both hit and miss.
        const key = Math.floor(random.next().value! * (capacity * 2 + 3));
        const got = m.touch(key);
        expect(got).toBe(ref.touch(key));
        if (got === undefined) {
          m.add(key, `v${i}`);
          ref.add(key, `v${i}`);
        }
        if (i % 97 === 0) expect([...m.entries()]).toEqual(ref.members);
      }
      expect([...m.entries()]).toEqual(ref.members);
      expect(m.size).toBe(ref.members.length);
      expect(m.size).toBeLessThanOrEqual(capacity);
    });
  }

  it('holds no more memory after a million touches of a full map', () => {
    const m = new RecentMap<string, number>(500);
    const keys = Array.from({ length: 500 }, (_, i) => `key${i}`);
    for (const [i, k] of keys.entries()) m.add(k, i);
    m.add('one more', 500); // a full map drops its oldest
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) m.touch(keys[(i * 7) % 500]!);
    gc();
    // An iterator kept across the touches would hold every table the map was compacted into: about 80 MB here.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
    expect(m.size).toBe(500);
  });
});
