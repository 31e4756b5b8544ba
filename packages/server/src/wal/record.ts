import { crc32 } from 'node:zlib';

/**
 * A WAL record on disk:
 *   u32 payload length | u32 crc32 of (seq, format, payload) | u64 seq | u8 format | payload
 * Little-endian. The checksum catches a torn write at the tail after a crash.
 */
export const HEADER_BYTES = 17;

/** What the payload holds, so replay can decode it the way the receiver did. */
export const PayloadFormat = {
  OTLP_PROTO: 1,
  OTLP_JSON: 2,
  ZIPKIN_JSON: 3,
  ZIPKIN_PROTO: 4,
  ZIPKIN_V1_JSON: 5,
  /** A jaeger.thrift Batch, binary protocol (the collector's POST /api/traces). */
  JAEGER_THRIFT_BINARY: 6,
  /** An Agent.emitBatch datagram, compact protocol (UDP 6831). */
  JAEGER_AGENT_COMPACT: 7,
  /** An Agent.emitBatch datagram, binary protocol (UDP 6832). */
  JAEGER_AGENT_BINARY: 8,
} as const;
export type PayloadFormat = (typeof PayloadFormat)[keyof typeof PayloadFormat];
const FORMATS: ReadonlySet<number> = new Set(Object.values(PayloadFormat));

export interface WalRecord {
  readonly seq: bigint;
  readonly format: PayloadFormat;
  readonly payload: Uint8Array;
}

export function encodeHeader(seq: bigint, format: PayloadFormat, payload: Uint8Array): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(payload.length, 0);
  h.writeBigUInt64LE(seq, 8);
  h.writeUInt8(format, 16);
  h.writeUInt32LE(crc32(payload, crc32(h.subarray(8, HEADER_BYTES))), 4);
  return h;
}

/**
 * Reads the records of one segment, stopping at the first incomplete or corrupt one.
 * Returns the records and the byte length of the valid prefix (where the next record belongs).
 */
export function decodeSegment(buf: Buffer): { records: WalRecord[]; validBytes: number } {
  const records: WalRecord[] = [];
  let off = 0;
  while (off + HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(off);
    const end = off + HEADER_BYTES + len;
    if (end > buf.length) break;
    const sum = buf.readUInt32LE(off + 4);
    const payload = buf.subarray(off + HEADER_BYTES, end);
    if (crc32(payload, crc32(buf.subarray(off + 8, off + HEADER_BYTES))) !== sum) break;
    const format = buf.readUInt8(off + 16);
    if (!FORMATS.has(format)) break;
    records.push({ seq: buf.readBigUInt64LE(off + 8), format: format as PayloadFormat, payload });
    off = end;
  }
  return { records, validBytes: off };
}
