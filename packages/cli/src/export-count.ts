import type { ExportFormat } from '@clew/server';

/**
 * Counts the spans of exported requests as they stream by, without decoding them: protobuf requests are walked
 * (ExportTraceServiceRequest.resource_spans = 1 → ScopeSpans = 2 → Span = 2); JSON lines are parsed.
 */
export class SpanCounter {
  spans = 0;
  /** Bytes of the record being received, not yet whole (kept as chunks: joined once, when it is). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Protobuf: the size the pending record needs (length prefix included), once its prefix has arrived. */
  private need = 0;

  constructor(private readonly format: ExportFormat) {}

  push(chunk: Buffer): void {
    if (this.format === 'json') this.pushLines(chunk);
    else this.pushFrames(chunk);
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

  private pushLines(chunk: Buffer): void {
    let at = 0;
    for (let nl = chunk.indexOf(0x0a, at); nl >= 0; nl = chunk.indexOf(0x0a, at)) {
      this.keep(chunk.subarray(at, nl));
      const doc = JSON.parse(this.take().toString('utf8')) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
      for (const r of doc.resourceSpans ?? []) for (const s of r.scopeSpans ?? []) this.spans += s.spans?.length ?? 0;
      at = nl + 1;
    }
    this.keep(chunk.subarray(at));
  }

  private pushFrames(chunk: Buffer): void {
    this.keep(chunk);
    for (;;) {
      if (this.need === 0) {
        if (this.pendingBytes < 4) return;
        const head = this.pending[0]!.length >= 4 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
        this.need = 4 + head.readUInt32BE(0);
      }
      if (this.pendingBytes < this.need) return;
      const buf = this.take();
      this.spans += countNested(buf.subarray(4, this.need), [1, 2, 2]);
      const rest = buf.subarray(this.need);
      this.need = 0;
      this.keep(rest);
    }
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
