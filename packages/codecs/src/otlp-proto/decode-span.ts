import { ZERO_SPAN_ID } from '@clew/model';
import type { KeyValue, Resource, Scope, Span, SpanEvent, SpanId, SpanKind, SpanLink, SpanStatus, StatusCode, TraceId, UnixNanos } from '@clew/model';
import { linkIdProblem, spanIdProblem } from '../validate.js';
import type { SpanSink } from '../validate.js';
import { readKeyValue } from './decode-attributes.js';
import type { WireReader } from './wire-reader.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A span whose resource and scope are filled in once their enclosing messages have been read to the end. */
export type SpanDraft = Mutable<Span>;

const UNSET_STATUS: SpanStatus = Object.freeze({ code: 0, message: '' });
// Most spans have no events or links: they share these instead of allocating two empty arrays each.
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);

/**
 * Reads one Span message into `sink`, or counts it as rejected when its ids are unusable. Resource and scope are
 * placeholders until the caller knows them (schema_url may come last on the wire).
 */
export function readSpan(r: WireReader, wireType: number, end: number, sink: SpanSink, resource: Resource, scope: Scope): void {
  const stop = r.enter(wireType, end, 'Span');
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let traceState = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let start = 0n;
  let endTime = 0n;
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let events: SpanEvent[] | null = null;
  let droppedEventsCount = 0;
  let links: SpanLink[] | null = null;
  let droppedLinksCount = 0;
  let status = UNSET_STATUS;
  while (r.pos < stop) {
    const wt = r.tag(stop);
    switch (r.field) {
      case 1:
        traceId = r.traceIdHex(wt, stop);
        break;
      case 2:
        spanId = r.hex(wt, stop);
        break;
      case 3:
        traceState = r.string(wt, stop);
        break;
      case 4:
        parentSpanId = r.hex(wt, stop);
        break;
      case 5:
        name = r.string(wt, stop);
        break;
      case 6:
        kind = r.uint32(wt, stop) | 0;
        break;
      case 7:
        start = r.fixed64(wt, stop);
        break;
      case 8:
        endTime = r.fixed64(wt, stop);
        break;
      case 9:
        readKeyValue(r, wt, stop, attributes);
        break;
      case 10:
        droppedAttributesCount = r.uint32(wt, stop);
        break;
      case 11:
        (events ??= []).push(readEvent(r, wt, stop));
        break;
      case 12:
        droppedEventsCount = r.uint32(wt, stop);
        break;
      case 13:
        (links ??= []).push(readLink(r, wt, stop));
        break;
      case 14:
        droppedLinksCount = r.uint32(wt, stop);
        break;
      case 15:
        status = readStatus(r, wt, stop);
        break;
      case 16:
        flags = r.fixed32(wt, stop);
        break;
      default:
        r.skip(wt, stop);
    }
  }
  r.leave();
  // An all-zero parent is how some SDKs say "no parent".
  const parent = parentSpanId === '' || parentSpanId === ZERO_SPAN_ID ? null : parentSpanId;
  if (sink.checksIds) {
    const problem = spanIdProblem(traceId, spanId, parent) || (links === null ? '' : firstLinkProblem(links));
    if (problem !== '') return sink.reject(name, problem);
  }
  const span: SpanDraft = {
    traceId: traceId as TraceId,
    spanId: spanId as SpanId,
    parentSpanId: parent as SpanId | null,
    traceState,
    flags,
    name,
    kind: toSpanKind(kind),
    startTimeUnixNano: start as UnixNanos,
    endTimeUnixNano: endTime as UnixNanos,
    attributes,
    droppedAttributesCount,
    events: events ?? NO_EVENTS,
    droppedEventsCount,
    links: links ?? NO_LINKS,
    droppedLinksCount,
    status,
    resource,
    scope,
  };
  sink.spans.push(span);
}

function firstLinkProblem(links: readonly SpanLink[]): string {
  for (const l of links) {
    const p = linkIdProblem(l.traceId, l.spanId);
    if (p !== '') return p;
  }
  return '';
}

/**
 * Kinds and status codes outside the enum (proto3 enums are open) become UNSPECIFIED / UNSET: the model's types
 * promise a known value, and downstream code indexes tables by it.
 */
export const toSpanKind = (k: number): SpanKind => (k >= 0 && k <= 5 ? (k as SpanKind) : 0);
export const toStatusCode = (c: number): StatusCode => (c >= 0 && c <= 2 ? (c as StatusCode) : 0);

function readEvent(r: WireReader, wireType: number, end: number): SpanEvent {
  const stop = r.enter(wireType, end, 'Span.Event');
  let timeUnixNano = 0n;
  let name = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) timeUnixNano = r.fixed64(wt, stop);
    else if (r.field === 2) name = r.string(wt, stop);
    else if (r.field === 3) readKeyValue(r, wt, stop, attributes);
    else if (r.field === 4) droppedAttributesCount = r.uint32(wt, stop);
    else r.skip(wt, stop);
  }
  r.leave();
  return { timeUnixNano: timeUnixNano as UnixNanos, name, attributes, droppedAttributesCount };
}

function readLink(r: WireReader, wireType: number, end: number): SpanLink {
  const stop = r.enter(wireType, end, 'Span.Link');
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let flags = 0;
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) traceId = r.hex(wt, stop);
    else if (r.field === 2) spanId = r.hex(wt, stop);
    else if (r.field === 3) traceState = r.string(wt, stop);
    else if (r.field === 4) readKeyValue(r, wt, stop, attributes);
    else if (r.field === 5) droppedAttributesCount = r.uint32(wt, stop);
    else if (r.field === 6) flags = r.fixed32(wt, stop);
    else r.skip(wt, stop);
  }
  r.leave();
  return { traceId: traceId as TraceId, spanId: spanId as SpanId, traceState, attributes, droppedAttributesCount, flags };
}

function readStatus(r: WireReader, wireType: number, end: number): SpanStatus {
  const stop = r.enter(wireType, end, 'Status');
  let code = 0;
  let message = '';
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 2) message = r.string(wt, stop);
    else if (r.field === 3) code = r.uint32(wt, stop) | 0;
    else r.skip(wt, stop); // 1 is reserved (the old deprecated_code)
  }
  r.leave();
  return { code: toStatusCode(code), message };
}
