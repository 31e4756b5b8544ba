/**
 * The partial success of an OTLP ExportTraceServiceResponse, JSON or protobuf (the request's encoding): how many
 * spans the server refused and why; 0 and '' for a full success.
 */
export function readExportResponse(body: Uint8Array, contentType: string): { rejected: number; message: string } {
  if (body.length === 0) return { rejected: 0, message: '' };
  if (contentType.includes('json')) {
    const doc = JSON.parse(Buffer.from(body).toString('utf8')) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    return { rejected: Number(doc.partialSuccess?.rejectedSpans ?? 0), message: doc.partialSuccess?.errorMessage ?? '' };
  }
  // partial_success = 1 (message) { rejected_spans = 1 (int64), error_message = 2 (string) }
  let rejected = 0;
  let message = '';
  const inner = field(body, 1);
  if (inner) {
    const r = new Reader(inner);
    while (!r.done()) {
      const tag = r.varint();
      if (tag === 8) rejected = r.varint();
      else if (tag === 18) message = Buffer.from(r.bytes()).toString('utf8');
      else r.skip(tag & 7);
    }
  }
  return { rejected, message };
}

/**
 * The message of an OTLP/HTTP error answer: a google.rpc.Status, protobuf or JSON (the request's encoding), whose
 * `message` is field 2; the start of the text for anything else (a proxy's page, another server's answer).
 */
export function readStatusMessage(body: Uint8Array, contentType: string): string {
  const text = () => Buffer.from(body).toString('utf8').slice(0, 500);
  try {
    if (contentType.includes('json')) {
      const message = (JSON.parse(Buffer.from(body).toString('utf8')) as { message?: unknown }).message;
      return typeof message === 'string' ? message : text();
    }
    if (contentType.includes('protobuf')) {
      const message = field(body, 2);
      if (message) return Buffer.from(message).toString('utf8');
    }
  } catch {
    // Not the Status it says it is: its text as it is.
  }
  return text();
}

function field(body: Uint8Array, n: number): Uint8Array | undefined {
  const r = new Reader(body);
  while (!r.done()) {
    const tag = r.varint();
    if (tag === ((n << 3) | 2)) return r.bytes();
    r.skip(tag & 7);
  }
  return undefined;
}

/** Just enough of the protobuf wire format for a response of a few bytes. */
class Reader {
  private at = 0;
  constructor(private readonly buf: Uint8Array) {}
  done(): boolean {
    return this.at >= this.buf.length;
  }
  varint(): number {
    let v = 0;
    let shift = 1;
    for (;;) {
      if (this.at >= this.buf.length) throw new Error('truncated OTLP response');
      const b = this.buf[this.at++]!;
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v;
      shift *= 128;
    }
  }
  bytes(): Uint8Array {
    const n = this.varint();
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.at += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.at += 4;
    else throw new Error(`unexpected wire type ${wireType} in an OTLP response`);
  }
}
