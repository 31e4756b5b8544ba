import { crc32 } from 'node:zlib';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';

/**
 * A WAL record on disk:
 *   u32 body length | u32 crc32 of (seq, format, body) | u64 seq | u8 format | body
 * Little-endian. The checksum catches a torn write at the tail after a crash. The body is the payload, or, when the
 * format byte has TENANT_FLAG, `u8 tenant length | tenant (UTF-8) | payload`: a record of DEFAULT_TENANT (and every
 * record written before tenants existed) carries no tenant. FORWARDED_FLAG marks a record whose spans a peer forwarded
 * to this collector as their trace's owner (tail sampling across collectors): they are kept here, never forwarded
 * again, replay included. Formats use the low bits; the two high bits are flags.
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

/** Set in the format byte of a record whose body starts with its tenant. */
const TENANT_FLAG = 0x80;
/** Set in the format byte of a record a peer forwarded here (its spans stay here). */
const FORWARDED_FLAG = 0x40;

export interface WalRecord {
  readonly seq: bigint;
  readonly format: PayloadFormat;
  readonly payload: Uint8Array;
  readonly tenant: Tenant;
  /** A peer forwarded these spans to this collector, their trace's owner. */
  readonly forwarded: boolean;
}

/**
 * The header and the body chunks of one record (the payload is not copied). Tenant names are at most 64 ASCII
 * characters (isValidTenant), so their length fits the one byte.
 */
export function encodeRecord(
  seq: bigint,
  format: PayloadFormat,
  payload: Uint8Array,
  tenant: Tenant = DEFAULT_TENANT,
  forwarded = false,
): Buffer[] {
  const body = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const chunks = tenant === DEFAULT_TENANT ? [body] : [tenantPrefix(tenant), body];
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(chunks.reduce((n, c) => n + c.length, 0), 0);
  h.writeBigUInt64LE(seq, 8);
  h.writeUInt8(format | (chunks.length === 1 ? 0 : TENANT_FLAG) | (forwarded ? FORWARDED_FLAG : 0), 16);
  let crc = crc32(h.subarray(8, HEADER_BYTES));
  // Empty chunks are skipped: Node's crc32 answers 0 for an empty view into a larger buffer, whatever the seed.
  for (const c of chunks) if (c.length > 0) crc = crc32(c, crc);
  h.writeUInt32LE(crc, 4);
  return [h, ...chunks];
}

function tenantPrefix(tenant: Tenant): Buffer {
  const name = Buffer.from(tenant, 'utf8');
  if (name.length > 255) throw new RangeError(`tenant name longer than 255 bytes: ${name.length}`);
  return Buffer.concat([Buffer.of(name.length), name]);
}

/** The record at `off` when one starts there whole, with a right checksum and a known format; else null. */
function recordAt(buf: Buffer, off: number): { record: WalRecord; end: number } | null {
  if (off + HEADER_BYTES > buf.length) return null;
  const len = buf.readUInt32LE(off);
  const end = off + HEADER_BYTES + len;
  if (end > buf.length) return null;
  const flags = buf.readUInt8(off + 16);
  const format = flags & ~(TENANT_FLAG | FORWARDED_FLAG);
  if (!FORMATS.has(format)) return null;
  const body = buf.subarray(off + HEADER_BYTES, end);
  const seeded = crc32(buf.subarray(off + 8, off + HEADER_BYTES));
  if ((body.length > 0 ? crc32(body, seeded) : seeded) !== buf.readUInt32LE(off + 4)) return null;
  let tenant = DEFAULT_TENANT;
  let payload = body;
  if (flags & TENANT_FLAG) {
    if (body.length < 1 || body.length < 1 + body[0]!) return null;
    tenant = body.toString('utf8', 1, 1 + body[0]!);
    payload = body.subarray(1 + body[0]!);
  }
  const forwarded = (flags & FORWARDED_FLAG) !== 0;
  return { record: { seq: buf.readBigUInt64LE(off + 8), format: format as PayloadFormat, payload, tenant, forwarded }, end };
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
