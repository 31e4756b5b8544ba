import type { AnyValue, Attributes, Resource, Scope, Span, SpanEvent, SpanLink } from '@clew/model';
import { groupSpans } from '../group-spans.js';
import type { OtlpJsonAnyValue, OtlpJsonEvent, OtlpJsonKeyValue, OtlpJsonLink, OtlpJsonResource, OtlpJsonScope, OtlpJsonSpan, OtlpJsonTracesData } from './types.js';

/**
 * Spans as canonical OTLP/JSON (see {@link OtlpJsonTracesData}): grouped like encodeOtlpProto, default-valued
 * fields left out as the protobuf JSON mapping does. The result is plain data for JSON.stringify.
 */
export function encodeOtlpJson(spans: readonly Span[]): OtlpJsonTracesData {
  return {
    resourceSpans: groupSpans(spans).map((g) => ({
      resource: resourceJson(g.resource),
      scopeSpans: g.scopes.map((sg) => ({
        scope: scopeJson(sg.scope),
        spans: sg.spans.map(spanJson),
        ...nonEmpty('schemaUrl', sg.scope.schemaUrl),
      })),
      ...nonEmpty('schemaUrl', g.resource.schemaUrl),
    })),
  };
}

/** `{ [key]: value }` unless value is the protobuf default ('' / 0 / empty list), then `{}`. */
function nonEmpty<K extends string, V extends string | number | readonly unknown[]>(key: K, value: V): { [P in K]?: V } {
  const empty = typeof value === 'string' ? value === '' : typeof value === 'number' ? value === 0 : value.length === 0;
  return (empty ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A fixed64 timestamp as its decimal string, left out when zero. */
function nanosField<K extends string>(key: K, ns: bigint): { [P in K]?: string } {
  return (ns === 0n ? {} : { [key]: ns.toString() }) as { [P in K]?: string };
}

function resourceJson(r: Resource): OtlpJsonResource {
  return {
    ...nonEmpty('attributes', attributesJson(r.attributes)),
    ...nonEmpty('droppedAttributesCount', r.droppedAttributesCount),
    ...nonEmpty(
      'entityRefs',
      r.entityRefs.map((e) => ({
        ...nonEmpty('schemaUrl', e.schemaUrl),
        ...nonEmpty('type', e.type),
        ...nonEmpty('idKeys', [...e.idKeys]),
        ...nonEmpty('descriptionKeys', [...e.descriptionKeys]),
      })),
    ),
  };
}

function scopeJson(s: Scope): OtlpJsonScope {
  return {
    ...nonEmpty('name', s.name),
    ...nonEmpty('version', s.version),
    ...nonEmpty('attributes', attributesJson(s.attributes)),
    ...nonEmpty('droppedAttributesCount', s.droppedAttributesCount),
  };
}

function spanJson(s: Span): OtlpJsonSpan {
  const status = { ...nonEmpty('message', s.status.message), ...nonEmpty('code', s.status.code as number) };
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...nonEmpty('traceState', s.traceState),
    ...(s.parentSpanId === null ? {} : { parentSpanId: s.parentSpanId }),
    ...nonEmpty('flags', s.flags),
    ...nonEmpty('name', s.name),
    ...nonEmpty('kind', s.kind as number),
    ...nanosField('startTimeUnixNano', s.startTimeUnixNano),
    ...nanosField('endTimeUnixNano', s.endTimeUnixNano),
    ...nonEmpty('attributes', attributesJson(s.attributes)),
    ...nonEmpty('droppedAttributesCount', s.droppedAttributesCount),
    ...nonEmpty('events', s.events.map(eventJson)),
    ...nonEmpty('droppedEventsCount', s.droppedEventsCount),
    ...nonEmpty('links', s.links.map(linkJson)),
    ...nonEmpty('droppedLinksCount', s.droppedLinksCount),
    ...(Object.keys(status).length === 0 ? {} : { status }),
  };
}

function eventJson(e: SpanEvent): OtlpJsonEvent {
  return {
    ...nanosField('timeUnixNano', e.timeUnixNano),
    ...nonEmpty('name', e.name),
    ...nonEmpty('attributes', attributesJson(e.attributes)),
    ...nonEmpty('droppedAttributesCount', e.droppedAttributesCount),
  };
}

function linkJson(l: SpanLink): OtlpJsonLink {
  return {
    traceId: l.traceId,
    spanId: l.spanId,
    ...nonEmpty('traceState', l.traceState),
    ...nonEmpty('attributes', attributesJson(l.attributes)),
    ...nonEmpty('droppedAttributesCount', l.droppedAttributesCount),
    ...nonEmpty('flags', l.flags),
  };
}

function attributesJson(attrs: Attributes): OtlpJsonKeyValue[] {
  return attrs.map((kv) => ({ key: kv.key, value: anyValueJson(kv.value) }));
}

/** One attribute value as OTLP/JSON (the protobuf JSON mapping of AnyValue). */
export function anyValueJson(v: AnyValue): OtlpJsonAnyValue {
  switch (v.type) {
    case 'string':
      return { stringValue: v.value };
    case 'bool':
      return { boolValue: v.value };
    case 'int':
      return { intValue: v.value.toString() };
    case 'double':
      // JSON has no NaN or infinities; the protobuf JSON mapping spells them as strings.
      return { doubleValue: Number.isFinite(v.value) ? v.value : (String(v.value) as 'NaN' | 'Infinity' | '-Infinity') };
    case 'bytes':
      return { bytesValue: Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64') };
    case 'array':
      return { arrayValue: nonEmpty('values', v.value.map(anyValueJson)) };
    case 'kvlist':
      return { kvlistValue: nonEmpty('values', attributesJson(v.value)) };
    case 'empty':
      return {};
  }
}
