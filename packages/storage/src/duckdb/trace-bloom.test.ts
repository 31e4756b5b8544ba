import { describe, expect, it } from 'vitest';
import { TraceBloom, traceWords } from './trace-bloom.js';

/** Fixed trace ids, half of whose low words are past 2^31 (a pseudo-random sequence, the same in every run). */
function traceIds(n: number, seed: number): string[] {
  let x = seed;
  const word = () => {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    return x.toString(16).padStart(8, '0');
  };
  return Array.from({ length: n }, () => word() + word() + word() + word());
}

describe('TraceBloom', () => {
  it('finds a trace added as the store adds it (its words as int32) when asked with the words of its hex id', () => {
    const ids = traceIds(2000, 7);
    expect(ids.filter((id) => parseInt(id.slice(24, 32), 16) >= 2 ** 31).length).toBeGreaterThan(800);
    const bloom = new TraceBloom(ids.length);
    for (const id of ids) {
      const [lo, hi] = traceWords(id);
      bloom.add(lo | 0, hi | 0);
    }
    for (const id of ids) expect(bloom.mayContain(...traceWords(id)), id).toBe(true);
    // Sized for 10 bits a trace: about 1% of absent traces are false positives.
    const absent = traceIds(2000, 8).filter((id) => bloom.mayContain(...traceWords(id)));
    expect(absent.length).toBeLessThan(60);
  });
});
