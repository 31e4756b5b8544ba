/*
 * A Bloom filter over the `key=value` entries of a block's spans and events (their encoded bytes, see
 * value-codec writeAttributes), so that a search for a rare value reads only the blocks that may hold it instead
 * of decompressing every attribute string. 2^19 bits per block of 100k spans: realistic spans have ~80k distinct
 * entries per block, which gives about 5% false positives with 5 hashes; common values are in every block anyway.
 * Stored with the partition once its block is full; a block without one is always searched.
 */
import { mix } from './trace-bloom.js';

const BITS = 1 << 19;
const HASHES = 5;

/** Two 32-bit hashes (FNV-1a, then mixed) of bytes[from, to). */
export function entryKey(bytes: Uint8Array, from: number, to: number, out: Uint32Array): void {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  out[0] = mix(h);
  out[1] = mix(h ^ 0x5bd1e995) | 1;
}

export class AttrBloom {
  constructor(readonly bits: Uint32Array = new Uint32Array(BITS / 32)) {}

  static fromBytes(b: Uint8Array): AttrBloom {
    const bits = new Uint32Array(BITS / 32);
    new Uint8Array(bits.buffer).set(b.subarray(0, bits.byteLength));
    return new AttrBloom(bits);
  }

  toBytes(): Uint8Array {
    return new Uint8Array(this.bits.buffer, this.bits.byteOffset, this.bits.byteLength);
  }

  add(key: Uint32Array): void {
    this.addKey(key[0]!, key[1]!);
  }

  /** add of the key's two words. */
  addKey(a: number, b: number): void {
    for (let i = 0; i < HASHES; i++) {
      const at = (a + Math.imul(i, b)) & (BITS - 1);
      this.bits[at >>> 5]! |= 1 << (at & 31);
    }
  }

  mayContain(key: Uint32Array): boolean {
    const a = key[0]!;
    const b = key[1]!;
    for (let i = 0; i < HASHES; i++) {
      const at = (a + Math.imul(i, b)) & (BITS - 1);
      if ((this.bits[at >>> 5]! & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }
}
