/**
 * Splits the export route's protobuf answer (length-delimited requests, see export-format.ts) into whole requests as
 * it streams by, and counts their spans without decoding them (ExportTraceServiceRequest.resource_spans = 1 →
 * ScopeSpans = 2 → Span = 2).
 */
export class ExportFrames {
  spans = 0;
  /** Bytes of the request being received, not yet whole (kept as chunks: joined once, when it is). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The size the pending request needs (length prefix included), once its prefix has arrived. */
  private need = 0;

  /** The requests this chunk completes, each with its 4-byte length prefix. */
  push(chunk: Buffer): Buffer[] {
    const whole: Buffer[] = [];
    this.keep(chunk);
    for (;;) {
      if (this.need === 0) {
        if (this.pendingBytes < 4) return whole;
        const head = this.pending[0]!.length >= 4 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
        this.need = 4 + head.readUInt32BE(0);
      }
      if (this.pendingBytes < this.need) return whole;
      const buf = this.take();
      const frame = buf.subarray(0, this.need);
      this.spans += countNested(frame.subarray(4), [1, 2, 2]);
      whole.push(frame);
      this.keep(buf.subarray(this.need));
      this.need = 0;
    }
  }

  /** Bytes of a request begun and not ended: an answer that stops here was cut short. */
  get partial(): number {
    return this.pendingBytes;
  }

  private take(): Buffer {
    const whole = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return whole;
  }

  private keep(b: Buffer): void {
    if (b.length === 0) return;
    this.pending.push(b);
    this.pendingBytes += b.length;
  }
}

/** How many fields at the end of `path` (field numbers of nested messages) the message holds. */
function countNested(buf: Uint8Array, path: readonly number[]): number {
  let n = 0;
  let at = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 1;
    for (;;) {
      const b = buf[at++]!;
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
      shift *= 128;
    }
  };
  while (at < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = varint();
      if (tag >>> 3 === path[0]) n += path.length === 1 ? 1 : countNested(buf.subarray(at, at + len), path.slice(1));
      at += len;
    } else throw new Error(`unexpected wire type ${wire} in an exported request`);
  }
  return n;
}
