import { describe, expect, it } from 'vitest';
import { withoutRepeats } from './repeated-spans.js';

const span = (spanId: string, start: bigint, kind: number, n = 0) => ({ spanId, startTimeUnixNano: start, kind, n });

describe('withoutRepeats', () => {
  it('returns the same array when no span repeats', () => {
    const spans = [span('a', 1n, 1), span('a', 1n, 2), span('b', 1n, 1), span('a', 2n, 1)];
    expect(withoutRepeats(spans)).toBe(spans);
    expect(withoutRepeats([])).toEqual([]);
  });

  it('keeps the first of each span id, kind and start, whatever the kinds between its repeats', () => {
    const spans = [span('a', 1n, 3, 0), span('a', 1n, 2, 1), span('a', 1n, 3, 2), span('a', 1n, 2, 3), span('b', 1n, 3, 4), span('b', 1n, 3, 5), span('a', 2n, 3, 6)];
    expect(withoutRepeats(spans).map((s) => s.n)).toEqual([0, 1, 4, 6]);
  });

  it('drops a repeat at the end and at the start of the array', () => {
    expect(withoutRepeats([span('a', 1n, 1, 0), span('a', 1n, 1, 1)]).map((s) => s.n)).toEqual([0]);
    expect(withoutRepeats([span('a', 1n, 1, 0), span('a', 1n, 1, 1), span('c', 5n, 1, 2)]).map((s) => s.n)).toEqual([0, 2]);
  });
});
