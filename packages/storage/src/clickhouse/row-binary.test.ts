import { describe, expect, it } from 'vitest';
import { RowBinaryWriter } from './row-binary.js';

const written = (write: (w: RowBinaryWriter) => void, size = 1): string => {
  const w = new RowBinaryWriter(size);
  write(w);
  return w.view().toString('hex');
};

describe('RowBinaryWriter', () => {
  it('writes UInt64 little-endian modulo 2^64, growing the buffer as needed', () => {
    expect(written((w) => w.u64(1n))).toBe('0100000000000000');
    expect(written((w) => w.u64(2n ** 64n - 1n))).toBe('ffffffffffffffff');
    expect(written((w) => w.u64(2n ** 63n + 5n))).toBe('0500000000000080');
    // An end before the start: the difference wraps, as BigInt.asUintN(64, …) does.
    expect(written((w) => w.u64(-1n))).toBe('ffffffffffffffff');
    expect(written((w) => w.u64(-(2n ** 64n) + 3n))).toBe('0300000000000000');
    expect(written((w) => w.u64(2n ** 64n + 7n))).toBe('0700000000000000');
    expect(
      written((w) => {
        w.u8(0xaa);
        for (let i = 0n; i < 100n; i++) w.u64(i);
      }),
    ).toBe('aa' + Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(2, '0') + '00000000000000').join(''));
  });

  it('writes an id from exactly its length in lowercase hex', () => {
    expect(written((w) => expect(w.hexId('0123456789abcdef', 8)).toBe(true))).toBe('0123456789abcdef');
    expect(written((w) => expect(w.hexId('00000000000000000000000000000000', 16)).toBe(true))).toBe('00'.repeat(16));
    expect(written((w) => expect(w.hexId('ffffffffffffffffffffffffffffffff', 16)).toBe(true))).toBe('ff'.repeat(16));
  });

  it.each([
    ['too short', '0123456789abcde'],
    ['too long', '0123456789abcdef0'],
    ['empty', ''],
    ['uppercase', '0123456789ABCDEF'],
    ['one uppercase digit', '0123456789abcdeF'],
    ['not hex', '0123456789abcdeg'],
    ['a space', '0123456789abcde '],
    ['a sign', '-123456789abcdef'],
    ['a character past ASCII', '0123456789abcdeé'],
    ['a character whose low byte is a digit', '0123456789abcde\u0130'],
  ])('refuses a span id %s, and what it wrote does not count', (_, id) => {
    const w = new RowBinaryWriter(4);
    w.u8(7);
    expect(w.hexId(id, 8)).toBe(false);
    expect(w.view().toString('hex')).toBe('07');
  });
});
