import { ZERO_SPAN_ID } from '@clew/model';
import type { EntityRef, Resource, Scope, Span, SpanEvent, SpanId, SpanKind, SpanLink, StatusCode, TraceId, UnixNanos } from '@clew/model';
import { DecodeError } from '../decode-error.js';
import type { DecodeResult } from '../decode-result.js';
import { SpanSink, linkIdProblem, spanIdProblem } from '../validate.js';
import { readAttributes } from './decode-attributes.js';
import { UINT64_MAX, asArray, asBigInt, asEnum, asObject, asString, asUint32, field, hexId, rethrowUnder } from './json-values.js';
import type { JsonObject } from './json-values.js';

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/**
 * Decodes OTLP/JSON (ExportTraceServiceRequest / TracesData) into model spans. Accepts lowerCamelCase and
 * snake_case keys, hex ids in any case, enums as integers or names, 64-bit integers as strings or numbers;
 * ignores unknown fields. Throws DecodeError, naming the path, when the document is malformed; a span whose ids are
 * unusable (not hex, or hex of the wrong length) is refused alone and counted in `rejected`, as in protobuf.
 * @example decodeOtlpJson('{"resourceSpans":[]}') // { spans: [], rejected: 0, rejectMessage: '' }
 */
export function decodeOtlpJson(body: string | Uint8Array): DecodeResult {
  let text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark, which JSON.parse refuses
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DecodeError(`invalid JSON: ${(e as Error).message}`);
  }
  const sink = new SpanSink();
  const root = asObject(doc, 'the top level');
  const rss = asArray(field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  for (let i = 0; i < rss.length; i++) {
    try {
      readResourceSpans(rss[i], sink);
    } catch (e) {
      rethrowUnder(e, `resourceSpans[${i}]`);
    }
  }
  return sink.result();
}

function readResourceSpans(v: unknown, sink: SpanSink): void {
  const rs = asObject(v, '');
  const r = asObject(field(rs, 'resource') ?? {}, '.resource');
  const resource: Resource = {
    attributes: readAttributes(field(r, 'attributes'), '.resource.attributes'),
    droppedAttributesCount: asUint32(field(r, 'droppedAttributesCount', 'dropped_attributes_count') ?? 0, '.resource.droppedAttributesCount'),
    entityRefs: asArray(field(r, 'entityRefs', 'entity_refs'), '.resource.entityRefs').map(readEntityRef),
    schemaUrl: asString(field(rs, 'schemaUrl', 'schema_url'), '.schemaUrl'),
  };
  const sss = asArray(field(rs, 'scopeSpans', 'scope_spans'), '.scopeSpans');
  for (let i = 0; i < sss.length; i++) {
    try {
      readScopeSpans(sss[i], resource, sink);
    } catch (e) {
      rethrowUnder(e, `.scopeSpans[${i}]`);
    }
  }
}

function readEntityRef(v: unknown, i: number): EntityRef {
  const where = `.resource.entityRefs[${i}]`;
  const o = asObject(v, where);
  const strings = (x: unknown, name: string): string[] => asArray(x, where + name).map((s, n) => asString(s, `${where}${name}[${n}]`));
  return {
    schemaUrl: asString(field(o, 'schemaUrl', 'schema_url'), `${where}.schemaUrl`),
    type: asString(field(o, 'type'), `${where}.type`),
    idKeys: strings(field(o, 'idKeys', 'id_keys'), '.idKeys'),
    descriptionKeys: strings(field(o, 'descriptionKeys', 'description_keys'), '.descriptionKeys'),
  };
}

function readScopeSpans(v: unknown, resource: Resource, sink: SpanSink): void {
  const ss = asObject(v, '');
  const s = asObject(field(ss, 'scope') ?? {}, '.scope');
  const scope: Scope = {
    name: asString(field(s, 'name'), '.scope.name'),
    version: asString(field(s, 'version'), '.scope.version'),
    attributes: readAttributes(field(s, 'attributes'), '.scope.attributes'),
    droppedAttributesCount: readCount(s, 'droppedAttributesCount', 'dropped_attributes_count', '.scope'),
    schemaUrl: asString(field(ss, 'schemaUrl', 'schema_url'), '.schemaUrl'),
  };
  const spans = asArray(field(ss, 'spans'), '.spans');
  for (let i = 0; i < spans.length; i++) {
    try {
      readSpan(asObject(spans[i], ''), resource, scope, sink);
    } catch (e) {
      rethrowUnder(e, `.spans[${i}]`);
    }
  }
}

function readCount(o: JsonObject, camel: string, snake: string, where: string): number {
  const v = field(o, camel, snake);
  return v === undefined ? 0 : asUint32(v, `${where}.${camel}`);
}

function readSpan(o: JsonObject, resource: Resource, scope: Scope, sink: SpanSink): void {
  const name = asString(field(o, 'name'), '.name');
  // undefined when not hex: such a span is refused below, so an id of the wrong type never leaves the decoder.
  const traceId = hexId(field(o, 'traceId', 'trace_id'));
  const spanId = hexId(field(o, 'spanId', 'span_id'));
  const parentHex = hexId(field(o, 'parentSpanId', 'parent_span_id'));
  const parentSpanId = parentHex === '' || parentHex === ZERO_SPAN_ID ? null : parentHex;
  const links = asArray(field(o, 'links'), '.links').map(readLink);
  const problem = spanIdProblem(traceId, spanId, parentSpanId) || firstLinkProblem(links);
  const st = asObject(field(o, 'status') ?? {}, '.status');
  const code = asEnum(field(st, 'code'), '.status.code', STATUS_CODES);
  const kind = asEnum(field(o, 'kind'), '.kind', SPAN_KINDS);
  const span: Span = {
    traceId: traceId as TraceId,
    spanId: spanId as SpanId,
    parentSpanId: parentSpanId as SpanId | null,
    traceState: asString(field(o, 'traceState', 'trace_state'), '.traceState'),
    flags: readCount(o, 'flags', 'flags', ''),
    name,
    // As for protobuf: values outside the enum become UNSPECIFIED / UNSET.
    kind: (kind >= 0 && kind <= 5 ? kind : 0) as SpanKind,
    startTimeUnixNano: asBigInt(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), '.startTimeUnixNano', 0n, UINT64_MAX) as UnixNanos,
    endTimeUnixNano: asBigInt(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), '.endTimeUnixNano', 0n, UINT64_MAX) as UnixNanos,
    attributes: readAttributes(field(o, 'attributes'), '.attributes'),
    droppedAttributesCount: readCount(o, 'droppedAttributesCount', 'dropped_attributes_count', ''),
    events: asArray(field(o, 'events'), '.events').map(readEvent),
    droppedEventsCount: readCount(o, 'droppedEventsCount', 'dropped_events_count', ''),
    links,
    droppedLinksCount: readCount(o, 'droppedLinksCount', 'dropped_links_count', ''),
    status: { code: (code >= 0 && code <= 2 ? code : 0) as StatusCode, message: asString(field(st, 'message'), '.status.message') },
    resource,
    scope,
  };
  if (problem !== '') sink.reject(name, problem);
  else sink.spans.push(span);
}

function firstLinkProblem(links: readonly SpanLink[]): string {
  for (const l of links) {
    const p = linkIdProblem(l.traceId, l.spanId);
    if (p !== '') return p;
  }
  return '';
}

function readEvent(v: unknown, i: number): SpanEvent {
  const where = `.events[${i}]`;
  const o = asObject(v, where);
  return {
    timeUnixNano: asBigInt(field(o, 'timeUnixNano', 'time_unix_nano'), `${where}.timeUnixNano`, 0n, UINT64_MAX) as UnixNanos,
    name: asString(field(o, 'name'), `${where}.name`),
    attributes: readAttributes(field(o, 'attributes'), `${where}.attributes`),
    droppedAttributesCount: readCount(o, 'droppedAttributesCount', 'dropped_attributes_count', where),
  };
}

function readLink(v: unknown, i: number): SpanLink {
  const where = `.links[${i}]`;
  const o = asObject(v, where);
  return {
    // undefined when not hex, as in readSpan: the link's span is then refused.
    traceId: hexId(field(o, 'traceId', 'trace_id')) as TraceId,
    spanId: hexId(field(o, 'spanId', 'span_id')) as SpanId,
    traceState: asString(field(o, 'traceState', 'trace_state'), `${where}.traceState`),
    attributes: readAttributes(field(o, 'attributes'), `${where}.attributes`),
    droppedAttributesCount: readCount(o, 'droppedAttributesCount', 'dropped_attributes_count', where),
    flags: readCount(o, 'flags', 'flags', where),
  };
}
