import { describe, expect, it } from 'vitest';
import { ByteCache } from './byte-cache.js';

const at = (text: string, offset = 0): [DataView, number, number] => {
  const b = Buffer.from(' '.repeat(offset) + text, 'latin1');
  return [new DataView(b.buffer, b.byteOffset, b.byteLength), offset, b.length];
};

describe('ByteCache', () => {
  it('admits bytes on their second miss and finds them wherever they sit in a buffer', () => {
    const cache = new ByteCache<string>(64, 32);
    const [v1, s1, e1] = at('http.method');
    const hash = cache.hash(v1, s1, e1);
    expect(cache.store(hash, v1, s1, e1, 'first')).toBe(false);
    expect(cache.find(hash, v1, s1, e1)).toBeUndefined();
    expect(cache.store(hash, v1, s1, e1, 'second')).toBe(true);
    const [v2, s2, e2] = at('http.method', 7);
    expect(cache.hash(v2, s2, e2)).toBe(hash);
    expect(cache.find(hash, v2, s2, e2)).toBe('second');
  });

  it('never answers for other bytes, even with the same length, ends, middle and slot', () => {
    const cache = new ByteCache<string>(1, 32); // one slot: everything collides
    const [v1, s1, e1] = at('user-1234x5678');
    const h1 = cache.hash(v1, s1, e1);
    cache.store(h1, v1, s1, e1, 'a');
    cache.store(h1, v1, s1, e1, 'a');
    const [v2, s2, e2] = at('user-1234y5678'); // differs only in a byte the hash does not read
    expect(cache.hash(v2, s2, e2)).toBe(h1);
    expect(cache.find(h1, v2, s2, e2)).toBeUndefined();
    expect(cache.find(h1, v1, s1, e1)).toBe('a');
  });

  it('hashes short byte runs at the very end of a buffer without reading past it', () => {
    const cache = new ByteCache<number>(8, 8);
    for (let len = 0; len <= 8; len++) {
      const [v, s, e] = at('abcdefgh'.slice(0, len), 3);
      const h = cache.hash(v, s, e);
      cache.store(h, v, s, e, len);
      cache.store(h, v, s, e, len);
      expect(cache.find(h, v, s, e)).toBe(len);
    }
  });
});
