import { DecodeError } from '../decode-error.js';
import type { DecodeResult } from '../decode-result.js';
import { WireReader } from '../otlp-proto/wire-reader.js';
import { ipv4Text, ipv6Text } from './ip-text.js';
import { zipkinToModel } from './to-model.js';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin-span.js';

const KINDS: readonly ZipkinKind[] = ['', 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

/**
 * Decodes Zipkin's proto3 encoding (`zipkin.proto3.ListOfSpans`, Content-Type application/x-protobuf) into model
 * spans, with the OTLP decoder's bounds-checked wire reader. Throws DecodeError saying what and at which byte.
 */
export function decodeZipkinProto(body: Uint8Array): DecodeResult {
  return zipkinToModel(readZipkinProto(body));
}

/** zipkin.proto3 ListOfSpans as {@link ZipkinSpan}s, before mapping. */
export function readZipkinProto(body: Uint8Array): ZipkinSpan[] {
  const r = new WireReader(body);
  const end = r.buf.length;
  const spans: ZipkinSpan[] = [];
  try {
    while (r.pos < end) {
      const wt = r.tag(end);
      if (r.field === 1) spans.push(readSpan(r, r.enter(wt, end, 'Span')));
      else r.skip(wt, end);
    }
  } catch (e) {
    // The reader names its outermost message after OTLP's request; here the outermost message is ListOfSpans.
    if (e instanceof DecodeError) throw new DecodeError(e.message.replace(/ in ExportTraceServiceRequest$/, ' in ListOfSpans'));
    throw e;
  }
  return spans;
}

function readSpan(r: WireReader, end: number): ZipkinSpan {
  let traceId = '';
  let parentId = '';
  let id = '';
  let kind: ZipkinKind = '';
  let name = '';
  let timestamp: bigint | undefined;
  let duration = 0n;
  let localEndpoint: ZipkinEndpoint | undefined;
  let remoteEndpoint: ZipkinEndpoint | undefined;
  const annotations: ZipkinAnnotation[] = [];
  const tags = new Map<string, string>();
  let debug = false;
  let shared = false;
  const start = r.pos;
  while (r.pos < end) {
    const wt = r.tag(end);
    switch (r.field) {
      case 1:
        traceId = id8or16(r, wt, end, 'trace_id', true);
        break;
      case 2:
        parentId = id8or16(r, wt, end, 'parent_id', false);
        break;
      case 3:
        id = id8or16(r, wt, end, 'id', false);
        break;
      case 4:
        kind = KINDS[r.uint32(wt, end)] ?? '';
        break;
      case 5:
        name = r.string(wt, end);
        break;
      case 6:
        timestamp = r.fixed64(wt, end);
        break;
      case 7:
        duration = BigInt.asUintN(64, r.int64(wt, end));
        break;
      case 8:
        localEndpoint = readEndpoint(r, r.enter(wt, end, 'Endpoint'));
        break;
      case 9:
        remoteEndpoint = readEndpoint(r, r.enter(wt, end, 'Endpoint'));
        break;
      case 10:
        annotations.push(readAnnotation(r, r.enter(wt, end, 'Annotation')));
        break;
      case 11:
        tags.set(...readTag(r, r.enter(wt, end, 'TagsEntry')));
        break;
      case 12:
        debug = r.bool(wt, end);
        break;
      case 13:
        shared = r.bool(wt, end);
        break;
      default:
        r.skip(wt, end);
    }
  }
  if (traceId === '') r.fail('missing trace_id', start);
  if (id === '') r.fail('missing id', start);
  r.leave();
  return { traceId, id, parentId, name, kind, timestamp, duration, localEndpoint, remoteEndpoint, annotations, tags, debug, shared };
}

/** Ids are 8 bytes (a trace id may be 16); anything else is refused as Zipkin's own proto3 decoder does. */
function id8or16(r: WireReader, wt: number, end: number, field: string, wide: boolean): string {
  const at = r.pos;
  const hex = r.hex(wt, end);
  if (hex.length !== 16 && !(wide && hex.length === 32)) r.fail(`${field} must be ${wide ? '8 or 16' : '8'} bytes, not ${hex.length / 2}`, at);
  return hex;
}

function readEndpoint(r: WireReader, end: number): ZipkinEndpoint {
  let serviceName = '';
  let ipv4 = '';
  let ipv6 = '';
  let port = 0;
  while (r.pos < end) {
    const wt = r.tag(end);
    if (r.field === 1) serviceName = r.string(wt, end);
    else if (r.field === 2) ipv4 = ipv4Text(r.bytes(wt, end));
    else if (r.field === 3) ipv6 = ipv6Text(r.bytes(wt, end));
    else if (r.field === 4) port = r.uint32(wt, end) & 0xffff;
    else r.skip(wt, end);
  }
  r.leave();
  return { serviceName, ipv4, ipv6, port };
}

function readAnnotation(r: WireReader, end: number): ZipkinAnnotation {
  let timestamp = 0n;
  let value = '';
  while (r.pos < end) {
    const wt = r.tag(end);
    if (r.field === 1) timestamp = r.fixed64(wt, end);
    else if (r.field === 2) value = r.string(wt, end);
    else r.skip(wt, end);
  }
  r.leave();
  return { timestamp, value };
}

function readTag(r: WireReader, end: number): [string, string] {
  let key = '';
  let value = '';
  while (r.pos < end) {
    const wt = r.tag(end);
    if (r.field === 1) key = r.string(wt, end);
    else if (r.field === 2) value = r.string(wt, end);
    else r.skip(wt, end);
  }
  r.leave();
  return [key, value];
}
