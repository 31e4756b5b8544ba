// The test oracles: protobufjs decoders generated from the official .proto files, and a converter from their
// output to the model, so that the hand-written reader can be compared with them value for value.
//
// - `reference052`: @opentelemetry/otlp-transformer@0.52.1's generated root.js (what the DESIGN names). Its
//   schema predates Span.flags, Link.flags and Resource.entity_refs, so it skips those as unknown fields.
// - `referenceCurrent`: protobufjs reflection over the current .proto files (current-schema.ts), which knows
//   every field.
//
// protobufjs 7 (under 0.52) has two varint bugs that protobufjs 8 fixed: uint32() always consumes 10 bytes once a
// varint passes 5 (a legal 6–9-byte varint misframes everything after it), and bool() looks at the low 32 bits
// only. The oracle must be sane, so 0.52's Reader gets protobufjs 8's two methods; nothing else is changed.
import { createRequire } from 'node:module';
import type { AnyValue, EntityRef, KeyValue, Resource, Scope, Span, SpanId, TraceId, UnixNanos } from '@clew/model';
import { bytesToHex } from '@clew/model';
import pkg from 'otlp-transformer-0.52/build/src/generated/root.js';
import protobuf from 'protobufjs';
import type { DecodeResult } from '../decode-result.js';
import { toSpanKind, toStatusCode } from '../otlp-proto/decode-span.js';
import { CURRENT_TRACE_PROTO } from './current-schema.js';
import { linkIdProblem, spanIdProblem, SpanSink } from '../validate.js';

interface ProtoType {
  decode(buf: Uint8Array): unknown;
  encode(msg: unknown): { finish(): Uint8Array };
  fromObject(obj: unknown): unknown;
}

const require052 = createRequire(createRequire(import.meta.url).resolve('otlp-transformer-0.52/build/src/generated/root.js'));
const reader052 = require052('protobufjs/minimal').Reader.prototype;
reader052.uint32 = protobuf.Reader.prototype.uint32;
reader052.bool = protobuf.Reader.prototype.bool;

const root052 = (pkg as any).opentelemetry.proto;
export const reference052: ProtoType = root052.collector.trace.v1.ExportTraceServiceRequest;

const currentRoot = new protobuf.Root();
for (const source of CURRENT_TRACE_PROTO) protobuf.parse(source, currentRoot);
currentRoot.resolveAll();
export const referenceCurrent = currentRoot.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest') as unknown as ProtoType;

/** Encodes a plain object (protobufjs field names, e.g. { resourceSpans: [...] }) with the current schema. */
export function encodeCurrent(obj: unknown): Uint8Array {
  return referenceCurrent.encode(referenceCurrent.fromObject(obj)).finish();
}

/** Decodes with a reference and converts to the model the way decodeOtlpProto should, validation included. */
export function referenceDecode(type: ProtoType, buf: Uint8Array): DecodeResult {
  const msg = type.decode(buf) as any;
  const sink = new SpanSink();
  for (const rs of msg.resourceSpans ?? []) {
    const r = rs.resource;
    const resource: Resource = {
      attributes: attrs(r?.attributes),
      droppedAttributesCount: r?.droppedAttributesCount ?? 0,
      entityRefs: (r?.entityRefs ?? []).map(
        (e: any): EntityRef => ({ schemaUrl: e.schemaUrl ?? '', type: e.type ?? '', idKeys: [...(e.idKeys ?? [])], descriptionKeys: [...(e.descriptionKeys ?? [])] }),
      ),
      schemaUrl: rs.schemaUrl ?? '',
    };
    for (const ss of rs.scopeSpans ?? []) {
      const s = ss.scope;
      const scope: Scope = {
        name: s?.name ?? '',
        version: s?.version ?? '',
        attributes: attrs(s?.attributes),
        droppedAttributesCount: s?.droppedAttributesCount ?? 0,
        schemaUrl: ss.schemaUrl ?? '',
      };
      for (const sp of ss.spans ?? []) addSpan(sp, resource, scope, sink);
    }
  }
  return sink.result();
}

function addSpan(sp: any, resource: Resource, scope: Scope, sink: SpanSink): void {
  const traceId = hex(sp.traceId);
  const spanId = hex(sp.spanId);
  const parentHex = hex(sp.parentSpanId);
  const parent = parentHex === '' || parentHex === '0000000000000000' ? null : parentHex;
  const links = (sp.links ?? []).map((l: any) => ({
    traceId: hex(l.traceId) as TraceId,
    spanId: hex(l.spanId) as SpanId,
    traceState: l.traceState ?? '',
    attributes: attrs(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount ?? 0,
    flags: l.flags ?? 0,
  }));
  const name = sp.name ?? '';
  let problem = spanIdProblem(traceId, spanId, parent);
  for (const l of links) problem ||= linkIdProblem(l.traceId, l.spanId);
  if (problem) return sink.reject(name, problem);
  const span: Span = {
    traceId: traceId as TraceId,
    spanId: spanId as SpanId,
    parentSpanId: parent as SpanId | null,
    traceState: sp.traceState ?? '',
    flags: sp.flags ?? 0,
    name,
    kind: toSpanKind(sp.kind ?? 0),
    startTimeUnixNano: big(sp.startTimeUnixNano, false) as UnixNanos,
    endTimeUnixNano: big(sp.endTimeUnixNano, false) as UnixNanos,
    attributes: attrs(sp.attributes),
    droppedAttributesCount: sp.droppedAttributesCount ?? 0,
    events: (sp.events ?? []).map((e: any) => ({
      timeUnixNano: big(e.timeUnixNano, false) as UnixNanos,
      name: e.name ?? '',
      attributes: attrs(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: sp.droppedEventsCount ?? 0,
    links,
    droppedLinksCount: sp.droppedLinksCount ?? 0,
    status: { code: toStatusCode(sp.status?.code ?? 0), message: sp.status?.message ?? '' },
    resource,
    scope,
  };
  sink.spans.push(span);
}

const hex = (b: Uint8Array | null | undefined): string => (b ? bytesToHex(b) : '');

/** A protobufjs 64-bit value (Long, or a number when small) as a bigint. */
function big(v: any, signed: boolean): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(v);
  const u = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return signed ? BigInt.asIntN(64, u) : u;
}

function attrs(list: any[] | null | undefined): KeyValue[] {
  return (list ?? []).map((kv) => ({ key: kv.key ?? '', value: anyValue(kv.value) }));
}

function anyValue(v: any): AnyValue {
  // protobufjs names the set oneof member in `value` (the last one set, as protobuf says the last one wins).
  switch (v?.value) {
    case 'stringValue':
      return { type: 'string', value: v.stringValue };
    case 'boolValue':
      return { type: 'bool', value: v.boolValue };
    case 'intValue':
      return { type: 'int', value: big(v.intValue, true) };
    case 'doubleValue':
      return { type: 'double', value: v.doubleValue };
    case 'bytesValue':
      return { type: 'bytes', value: new Uint8Array(v.bytesValue) };
    case 'arrayValue':
      return { type: 'array', value: (v.arrayValue.values ?? []).map(anyValue) };
    case 'kvlistValue':
      return { type: 'kvlist', value: attrs(v.kvlistValue.values) };
    default:
      return { type: 'empty' };
  }
}
