import type { Attributes, Resource, Scope, Span, SpanEvent, SpanId, SpanLink, StatusCode, TraceId, UnixNanos } from '@clew/model';
import type { AttrBloom } from './attr-bloom.js';
import type { ByteWriter } from './byte-writer.js';
import { decodeAttributes, encodeAttributes, unescapeText, writeAttributes } from './value-codec.js';

/*
 * The parts of a span that are read back but not kept in typed columns, as one string per span (one native call to
 * append it): its attributes, then its events, then what it rarely has. Events keep their attribute entries in the
 * value codec's form so that event attributes are searchable with the same pattern as span ones; the rest is JSON,
 * which escapes every separator, so link attributes never match a search.
 */
const EVENT = '\x1a';
const FIELD = '\x19';
const REST = '\x1c';
const B_EVENT = EVENT.charCodeAt(0);
const B_FIELD = FIELD.charCodeAt(0);
const B_REST = REST.charCodeAt(0);

/**
 * Everything of a span that has no column of its own, written as UTF-8; its attribute entries go into `bloom`.
 * `attributes` stands in for the span's own (ClickHouse keeps only the nested ones here) without copying the span.
 */
export function writeBody(w: ByteWriter, s: Span, bloom?: AttrBloom, attributes: Attributes = s.attributes): void {
  writeAttributes(w, attributes, bloom);
  // Indexed, not for…of: see writeAttributes.
  const events = s.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    w.byte(B_EVENT);
    w.plain((e.timeUnixNano - s.startTimeUnixNano).toString());
    w.byte(B_FIELD);
    w.text(e.name);
    w.byte(B_FIELD);
    w.plain(String(e.droppedAttributesCount));
    w.byte(B_FIELD);
    writeAttributes(w, e.attributes, bloom);
  }
  const rest = encodeRest(s);
  if (rest !== null) {
    // JSON escapes every control character, so it holds no separator.
    w.byte(B_REST);
    w.plain(rest);
  }
}

export interface Body {
  readonly attributes: Attributes;
  readonly events: SpanEvent[];
  readonly rest: RestFields;
}

export function decodeBody(body: string, start: UnixNanos): Body {
  // The span's attributes escape every separator, so the first raw EVENT or REST ends them; events escape REST.
  let restAt = body.indexOf(REST);
  if (restAt < 0) restAt = body.length;
  let eventsAt = body.indexOf(EVENT);
  if (eventsAt < 0 || eventsAt > restAt) eventsAt = restAt;
  return {
    attributes: decodeAttributes(body.slice(0, eventsAt)),
    events: decodeEvents(body.slice(eventsAt, restAt), start),
    rest: decodeRest(restAt < body.length ? body.slice(restAt + 1) : null),
  };
}

/** Events, with times relative to the span start (small numbers compress well). */
function decodeEvents(s: string | null, start: UnixNanos): SpanEvent[] {
  if (!s) return [];
  return s
    .split(EVENT)
    .slice(1)
    .map((part) => {
      const [delta, name, dropped, attrs] = splitFields(part, 4);
      return {
        timeUnixNano: (start + BigInt(delta)) as UnixNanos,
        name: unescapeText(name),
        attributes: decodeAttributes(attrs),
        droppedAttributesCount: Number(dropped),
      };
    });
}

/** SQL for the events part of a body (from its first raw EVENT on, or NULL), so outlines skip the attributes. */
export const EVENTS_SQL = `CASE WHEN strpos(attrs, chr(${B_EVENT})) = 0 THEN NULL ELSE substr(attrs, strpos(attrs, chr(${B_EVENT}))) END`;

/** Each event's time and name from EVENTS_SQL's text, without decoding attributes. */
export function decodeEventMarks(s: string | null, start: UnixNanos): Array<{ timeUnixNano: UnixNanos; name: string }> {
  if (!s) return [];
  const restAt = s.indexOf(REST);
  return (restAt < 0 ? s : s.slice(0, restAt))
    .split(EVENT)
    .slice(1)
    .map((part) => {
      const [delta, name] = splitFields(part, 3);
      return { timeUnixNano: (start + BigInt(delta!)) as UnixNanos, name: unescapeText(name!) };
    });
}

/** Splits on the first n-1 FIELD separators; the last field keeps the rest (attribute text has no raw FIELD). */
function splitFields(s: string, n: number): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < n - 1; i++) {
    const at = s.indexOf(FIELD, from);
    out.push(s.slice(from, at));
    from = at + 1;
  }
  out.push(s.slice(from));
  return out;
}

/** What a span rarely has: anything but the defaults here makes a small JSON document, else null. */
interface Rest {
  f?: number;
  ts?: string;
  sm?: string;
  da?: number;
  de?: number;
  dl?: number;
  l?: [string, string, string, string, number, number][];
}

function encodeRest(span: Span): string | null {
  if (
    span.flags === 1 && !span.traceState && !span.status.message && span.links.length === 0 &&
    !span.droppedAttributesCount && !span.droppedEventsCount && !span.droppedLinksCount
  ) {
    return null;
  }
  const r: Rest = {};
  if (span.flags !== 1) r.f = span.flags;
  if (span.traceState) r.ts = span.traceState;
  if (span.status.message) r.sm = span.status.message;
  if (span.droppedAttributesCount) r.da = span.droppedAttributesCount;
  if (span.droppedEventsCount) r.de = span.droppedEventsCount;
  if (span.droppedLinksCount) r.dl = span.droppedLinksCount;
  if (span.links.length > 0) {
    r.l = span.links.map((l) => [l.traceId, l.spanId, l.traceState, encodeAttributes(l.attributes), l.droppedAttributesCount, l.flags]);
  }
  return JSON.stringify(r);
}

export interface RestFields {
  readonly flags: number;
  readonly traceState: string;
  readonly statusMessage: string;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  readonly links: SpanLink[];
}

function decodeRest(s: string | null): RestFields {
  const r: Rest = s ? (JSON.parse(s) as Rest) : {};
  return {
    flags: r.f ?? 1,
    traceState: r.ts ?? '',
    statusMessage: r.sm ?? '',
    droppedAttributesCount: r.da ?? 0,
    droppedEventsCount: r.de ?? 0,
    droppedLinksCount: r.dl ?? 0,
    links: (r.l ?? []).map(([traceId, spanId, traceState, attrs, dropped, flags]) => ({
      traceId: traceId as TraceId,
      spanId: spanId as SpanId,
      traceState,
      attributes: decodeAttributes(attrs),
      droppedAttributesCount: dropped,
      flags,
    })),
  };
}

export function encodeResource(r: Resource): string {
  return JSON.stringify([encodeAttributes(r.attributes), r.droppedAttributesCount, r.entityRefs, r.schemaUrl]);
}

export function decodeResource(s: string): Resource {
  const [attrs, dropped, entityRefs, schemaUrl] = JSON.parse(s) as [string, number, Resource['entityRefs'], string];
  return { attributes: decodeAttributes(attrs), droppedAttributesCount: dropped, entityRefs, schemaUrl };
}

export function encodeScope(s: Scope): string {
  return JSON.stringify([s.name, s.version, encodeAttributes(s.attributes), s.droppedAttributesCount, s.schemaUrl]);
}

export function decodeScope(s: string): Scope {
  const [name, version, attrs, dropped, schemaUrl] = JSON.parse(s) as [string, string, string, number, string];
  return { name, version, attributes: decodeAttributes(attrs), droppedAttributesCount: dropped, schemaUrl };
}

export const statusCode = (n: number): StatusCode => n as StatusCode;
