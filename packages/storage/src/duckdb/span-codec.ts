import type { Resource, Scope, Span, SpanEvent, SpanId, SpanLink, StatusCode, TraceId, UnixNanos } from '@clew/model';
import { decodeAttributes, encodeAttributes, escapeText, unescapeText } from './value-codec.js';

/*
 * The parts of a span that are read back but rarely searched, as compact strings. Events keep their attribute
 * entries in the value codec's form so that event attributes are searchable with the same pattern as span ones.
 */
const EVENT = '\x1a';
const FIELD = '\x19';

/** Events with times relative to the span start (small numbers compress well). */
export function encodeEvents(events: readonly SpanEvent[], start: UnixNanos): string | null {
  if (events.length === 0) return null;
  let out = '';
  for (const e of events) {
    out += EVENT + (e.timeUnixNano - start).toString() + FIELD + escapeText(e.name) + FIELD;
    out += e.droppedAttributesCount + FIELD + encodeAttributes(e.attributes);
  }
  return out;
}

export function decodeEvents(s: string | null, start: UnixNanos): SpanEvent[] {
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

export function encodeRest(span: Span): string | null {
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
  const json = JSON.stringify(r);
  return json === '{}' ? null : json;
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

export function decodeRest(s: string | null): RestFields {
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
