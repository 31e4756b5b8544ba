import type { TraceId } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { HashRing, positionOf } from './ring.js';

const A = 'http://10.0.0.1:4318';
const B = 'http://10.0.0.2:4318';
const C = 'http://10.0.0.3:4318';
const D = 'http://10.0.0.4:4318';

/** Deterministic, well-spread trace ids: i times the 64-bit golden ratio, then its digits reversed. */
const traceIds = (n: number): TraceId[] =>
  Array.from({ length: n }, (_, i) => {
    const half = ((BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn).toString(16).padStart(16, '0');
    return `${half}${half.split('').reverse().join('')}` as TraceId;
  });

const owners = (ring: HashRing, ids: readonly TraceId[], isLive?: (m: string) => boolean) => ids.map((id) => ring.ownerOf(id, isLive)!);

const shares = (ring: HashRing, ids: readonly TraceId[]): Record<string, number> => {
  const n: Record<string, number> = {};
  for (const o of owners(ring, ids)) n[o] = (n[o] ?? 0) + 1 / ids.length;
  return n;
};

describe('positionOf', () => {
  // Checked against Python: zlib.crc32(bytes.fromhex(id)) % 36000.
  it.each([
    ['0102030405060708090a0b0c0d0e0f10', 20689],
    ['4bf92f3577b34da6a3ce929d0e0e4736', 4869],
  ])('places trace %s at %i of 36,000, by crc32 of its 16 bytes', (id, position) => {
    expect(positionOf(id as TraceId)).toBe(position);
  });
});

describe('HashRing', () => {
  const ids = traceIds(30_000);

  it('gives every collector the same owner for a trace, whatever order the members were listed in', () => {
    expect(owners(new HashRing([A, B, C]), ids)).toEqual(owners(new HashRing([C, A, B]), ids));
    expect(owners(new HashRing([A, B, C]), ids)).toEqual(owners(new HashRing([B, C, A, B]), ids));
  });

  it('spreads traces over the members about evenly (100 positions each, as the exporter)', () => {
    const two = shares(new HashRing([A, B]), ids);
    expect(Object.keys(two).sort()).toEqual([A, B]);
    for (const s of Object.values(two)) expect(s).toBeGreaterThan(0.4);
    const three = shares(new HashRing([A, B, C]), ids);
    expect(Object.keys(three).sort()).toEqual([A, B, C]);
    for (const s of Object.values(three)) {
      expect(s).toBeGreaterThan(0.25);
      expect(s).toBeLessThan(0.42);
    }
  });

  it('moves only the traces of a member that is removed, and spreads them over the others', () => {
    const before = owners(new HashRing([A, B, C]), ids);
    const after = owners(new HashRing([A, B]), ids);
    const moved = ids.filter((_, i) => before[i] !== after[i]);
    expect(moved.length).toBe(before.filter((o) => o === C).length);
    const to = new Set(after.filter((_, i) => before[i] === C));
    expect([...to].sort()).toEqual([A, B]);
  });

  it('moves to a member that is added only the traces it takes', () => {
    const before = owners(new HashRing([A, B, C]), ids);
    const after = owners(new HashRing([A, B, C, D]), ids);
    const moved = after.filter((o, i) => o !== before[i]);
    expect(new Set(moved)).toEqual(new Set([D]));
    expect(moved.length / ids.length).toBeGreaterThan(0.15);
  });

  it('passes over a member that is down: its traces go to the next live member, the others stay', () => {
    const ring = new HashRing([A, B, C]);
    const all = owners(ring, ids);
    const withoutC = owners(ring, ids, (m) => m !== C);
    ids.forEach((_, i) => {
      if (all[i] !== C) expect(withoutC[i]).toBe(all[i]);
      else expect([A, B]).toContain(withoutC[i]);
    });
    expect(ring.ownerOf(ids[0]!, () => false)).toBeUndefined();
    expect(ring.ownerOf(ids[0]!, (m) => m === B)).toBe(B);
  });
});
