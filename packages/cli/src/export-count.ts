import type { ExportFormat } from '@clew/server';

/**
 * Counts the spans of exported requests as they stream by, without decoding them: protobuf requests are walked
 * (ExportTraceServiceRequest.resource_spans = 1 → ScopeSpans = 2 → Span = 2); JSON lines are parsed.
 */
export class SpanCounter {
  spans = 0;
  private rest: Buffer = Buffer.alloc(0);

  constructor(private readonly format: ExportFormat) {}

  push(chunk: Buffer): void {
    const buf = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let at = 0;
    if (this.format === 'json') {
      for (let nl = buf.indexOf(0x0a, at); nl >= 0; nl = buf.indexOf(0x0a, at)) {
        const doc = JSON.parse(buf.toString('utf8', at, nl)) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
        for (const r of doc.resourceSpans ?? []) for (const s of r.scopeSpans ?? []) this.spans += s.spans?.length ?? 0;
        at = nl + 1;
      }
    } else {
      while (buf.length - at >= 4) {
        const length = buf.readUInt32BE(at);
        if (buf.length - at - 4 < length) break;
        this.spans += countNested(buf.subarray(at + 4, at + 4 + length), [1, 2, 2]);
        at += 4 + length;
      }
    }
    this.rest = buf.subarray(at);
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
