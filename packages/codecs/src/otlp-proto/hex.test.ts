import { describe, expect, it } from 'vitest';
import { idHex } from './hex.js';

describe('idHex', () => {
  // Every byte value in each position of a span id, a trace id and an odd length, against Buffer's own hex.
  it.each([8, 16, 5])('writes %i bytes as Buffer.toString("hex") does', (len) => {
    const bytes = Buffer.alloc(256 + len);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
    for (let at = 0; at < 256; at++) expect(idHex(bytes, at, len)).toBe(bytes.subarray(at, at + len).toString('hex'));
  });
});
