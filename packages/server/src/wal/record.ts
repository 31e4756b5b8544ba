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

/** The record at `off` when one starts there whole, with a right checksum and a known format; else null. */
function recordAt(buf: Buffer, off: number): { record: WalRecord; end: number } | null {
  if (off + HEADER_BYTES > buf.length) return null;
  const len = buf.readUInt32LE(off);
  const end = off + HEADER_BYTES + len;
  if (end > buf.length) return null;
  const format = buf.readUInt8(off + 16);
  if (!FORMATS.has(format)) return null;
  const payload = buf.subarray(off + HEADER_BYTES, end);
  if (crc32(payload, crc32(buf.subarray(off + 8, off + HEADER_BYTES))) !== buf.readUInt32LE(off + 4)) return null;
  return { record: { seq: buf.readBigUInt64LE(off + 8), format: format as PayloadFormat, payload }, end };
}

/** A stretch of a segment that holds no valid record, between two that do: damage, not a torn tail. */
export interface DamagedRange {
  readonly offset: number;
  readonly bytes: number;
}

/**
 * Reads the records of one segment. A record that does not check out (damaged on disk, or a write that failed
 * half-way before later ones succeeded) is skipped: the reader looks for the next offset where a whole record with a
 * right checksum and a later sequence number starts, and goes on from there, so one bad record does not take the
 * acknowledged records after it with it. Bytes after the last good record are a torn tail (a crash mid-write).
 * Returns the records, the byte length up to the end of the last good one (where the next record belongs), and
 * the damaged ranges skipped.
 */
export function decodeSegment(buf: Buffer): { records: WalRecord[]; validBytes: number; damaged: DamagedRange[] } {
  const records: WalRecord[] = [];
  const damaged: DamagedRange[] = [];
  let off = 0;
  let validBytes = 0;
  let lastSeq = -1n;
  while (off + HEADER_BYTES <= buf.length) {
    const found = recordAt(buf, off);
    if (found !== null && found.record.seq > lastSeq) {
      records.push(found.record);
      lastSeq = found.record.seq;
      off = validBytes = found.end;
      continue;
    }
    // Resynchronise: the next offset where a record checks out (a false match needs a 32-bit checksum to agree).
    let next = off + 1;
    let resumed: { record: WalRecord; end: number } | null = null;
    for (; next + HEADER_BYTES <= buf.length; next++) {
      resumed = recordAt(buf, next);
      if (resumed !== null && resumed.record.seq > lastSeq) break;
      resumed = null;
    }
    if (resumed === null) break;
    damaged.push({ offset: off, bytes: next - off });
    off = next;
  }
  return { records, validBytes, damaged };
}
