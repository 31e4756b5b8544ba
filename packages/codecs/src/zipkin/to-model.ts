import { SpanKind, StatusCode, bool, dbl, int, str } from '@clew/model';
import type { AnyValue, KeyValue, Resource, Scope, Span, SpanEvent, SpanId, SpanLink, SpanStatus, TraceId, UnixNanos } from '@clew/model';
import { DecodeError } from '../decode-error.js';
import type { DecodeResult } from '../decode-result.js';
import { SpanSink, spanIdProblem } from '../validate.js';
import { memberNumberTexts } from './json-number-text.js';
import { ENDPOINT_KEY, RESOURCE_TAG_KEYS, TAG, ZIPKIN_ONLY } from './resource-keys.js';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin-span.js';

const KINDS: Record<ZipkinKind, SpanKind> = {
  '': SpanKind.UNSPECIFIED,
  CLIENT: SpanKind.CLIENT,
  SERVER: SpanKind.SERVER,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

/**
 * Status code names accepted in `otel.status_code`: the collector's (`STATUS_CODE_ERROR`), the specification's and
 * OpenTelemetry JS's (`ERROR`), and pdata's String() (`Error`), which the collector's own exporter writes.
 */
const STATUS_NAMES: Record<string, StatusCode> = {
  STATUS_CODE_UNSET: StatusCode.UNSET,
  STATUS_CODE_OK: StatusCode.OK,
  STATUS_CODE_ERROR: StatusCode.ERROR,
  UNSET: StatusCode.UNSET,
  OK: StatusCode.OK,
  ERROR: StatusCode.ERROR,
};

/**
 * Maps Zipkin v2 spans to the model as OpenTelemetry's Zipkin translator does (collector-contrib
 * pkg/translator/zipkin/zipkinv2/to_translator.go); the departures are listed in docs/zipkin.md.
 */
export function zipkinToModel(zspans: readonly ZipkinSpan[]): DecodeResult {
  const sink = new SpanSink();
  const groups = new Groups();
  for (const z of zspans) {
    const span = toSpan(z, groups);
    const problem = spanIdProblem(span.traceId, span.spanId, span.parentSpanId);
    if (problem !== '') sink.reject(span.name, problem);
    else sink.spans.push(span);
  }
  return sink.result();
}

function toSpan(z: ZipkinSpan, groups: Groups): Span {
  const tags = z.tags;
  const resource = groups.resource(z.localEndpoint?.serviceName ?? '', tags);
  const scope = groups.scope(tags);
  const traceState = take(tags, TAG.traceState) ?? '';
  const kind = toKind(z.kind, tags);
  const status = takeStatus(tags);
  const links = takeLinks(tags, z.id);
  const attributes = new Attributes();
  // Tag keys are unique, so they go in without the duplicate check the endpoint attributes need.
  for (const [key, value] of tags) if (!RESOURCE_TAG_KEYS.has(key)) attributes.list.push({ key, value: str(value) });
  endpointAttributes(z, attributes);
  let start = z.timestamp ?? 0n;
  if (start === 0n) attributes.put(TAG.startTimeAbsent, bool(true));
  if (z.shared) attributes.put(ZIPKIN_ONLY.shared, bool(true));
  if (z.debug) attributes.put(ZIPKIN_ONLY.debug, bool(true));
  start *= 1000n;
  const parent = z.parentId === '' || z.parentId === z.id || /^0+$/.test(z.parentId) ? null : z.parentId;
  return {
    traceId: z.traceId.padStart(32, '0') as TraceId,
    spanId: z.id as SpanId,
    parentSpanId: parent as SpanId | null,
    traceState,
    flags: 0,
    name: z.name,
    kind,
    startTimeUnixNano: start as UnixNanos,
    endTimeUnixNano: (start + z.duration * 1000n) as UnixNanos,
    attributes: attributes.list,
    droppedAttributesCount: 0,
    events: z.annotations.map(toEvent),
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    status,
    resource,
    scope,
  };
}

/** Zipkin's kind, else the `span.kind` tag the exporter writes for internal spans (removed either way). */
function toKind(kind: ZipkinKind, tags: Map<string, string>): SpanKind {
  if (kind !== '') return KINDS[kind];
  return take(tags, TAG.spanKind) === 'internal' ? SpanKind.INTERNAL : SpanKind.UNSPECIFIED;
}

/**
 * `otel.status_code` (+ `otel.status_description`) as the translator reads them; and Zipkin's own convention, an
 * `error` tag on a failed span whose value is the message (the translator only knows `error=true`).
 */
function takeStatus(tags: Map<string, string>): SpanStatus {
  let code: StatusCode = StatusCode.UNSET;
  let message = '';
  const codeName = take(tags, TAG.statusCode);
  if (codeName !== undefined) {
    code = STATUS_NAMES[codeName.toUpperCase()] ?? StatusCode.UNSET;
    message = take(tags, TAG.statusDescription) ?? '';
  }
  const error = tags.get(TAG.error);
  if (error !== undefined && error !== 'false') {
    tags.delete(TAG.error);
    code = StatusCode.ERROR;
    if (message === '' && error !== 'true') message = error;
  }
  return { code, message };
}

/** `otlp.link.0`, `otlp.link.1`, …: "traceId|spanId|traceState|{attributes}|dropped", as the exporter writes links. */
function takeLinks(tags: Map<string, string>, spanId: string): SpanLink[] {
  const links: SpanLink[] = [];
  for (let i = 0; i < 128; i++) {
    const value = take(tags, `otlp.link.${i}`);
    if (value === undefined) break;
    const parts = value.split('|');
    if (parts.length < 5) continue;
    const where = `tag otlp.link.${i} of span ${spanId}`;
    const [traceId, linkSpanId, traceState] = parts as [string, string, string];
    if (!/^[0-9a-f]{32}$/i.test(traceId) || !/^[0-9a-f]{16}$/i.test(linkSpanId)) {
      throw new DecodeError(`${where}: expected a 32-digit trace id and a 16-digit span id`);
    }
    links.push({
      traceId: traceId.toLowerCase() as TraceId,
      spanId: linkSpanId.toLowerCase() as SpanId,
      traceState,
      attributes: jsonAttributes(parts.slice(3, -1).join('|'), where),
      droppedAttributesCount: dropped(parts[parts.length - 1]!, where),
      flags: 0,
    });
  }
  return links;
}

/**
 * An annotation is an event; "name|{attributes}|dropped" (how the exporter writes an event with attributes) is
 * unpacked. Any other value is the event's name, whole.
 */
function toEvent(a: ZipkinAnnotation): SpanEvent {
  const timeUnixNano = (a.timestamp * 1000n) as UnixNanos;
  const parts = a.value.split('|');
  if (parts.length >= 3 && /^[0-9]+$/.test(parts[parts.length - 1]!)) {
    try {
      const attributes = jsonAttributes(parts.slice(1, -1).join('|'), '');
      return { timeUnixNano, name: parts[0]!, attributes, droppedAttributesCount: Number(parts[parts.length - 1]) };
    } catch {
      // not the exporter's packing after all: the value is the name
    }
  }
  return { timeUnixNano, name: a.value, attributes: [], droppedAttributesCount: 0 };
}

/**
 * A JSON object of attributes as the translator reads it: strings, integers, doubles and booleans; the rest dropped.
 * A number with an integer value is an int (1.0 too, as the translator's math.Mod test makes it); an integer
 * literal is read exactly, so 9007199254740993 (which the translator's float64 rounds) stays itself.
 */
function jsonAttributes(text: string, where: string): KeyValue[] {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new DecodeError(`${where}: attributes are not JSON: ${(e as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new DecodeError(`${where}: attributes are not a JSON object`);
  let numberTexts: Map<string, string> | undefined;
  const out: KeyValue[] = [];
  for (const [key, v] of Object.entries(o)) {
    let value: AnyValue | undefined;
    if (typeof v === 'string') value = str(v);
    else if (typeof v === 'boolean') value = bool(v);
    else if (typeof v === 'number') {
      numberTexts ??= memberNumberTexts(text);
      value = jsonNumber(v, numberTexts.get(key));
    }
    if (value !== undefined) out.push({ key, value });
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function jsonNumber(v: number, literal: string | undefined): AnyValue {
  if (literal !== undefined && /^-?[0-9]+$/.test(literal)) {
    const n = BigInt(literal);
    if (n >= INT64_MIN && n <= INT64_MAX) return int(n);
  }
  return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? int(v) : dbl(v);
}

function dropped(text: string, where: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n > 0xffffffff) throw new DecodeError(`${where}: dropped attributes count "${text}" is not a uint32`);
  return n;
}

function endpointAttributes(z: ZipkinSpan, attrs: Attributes): void {
  const local = z.localEndpoint;
  if (local !== undefined) {
    endpointIp(local, attrs, ENDPOINT_KEY.hostIp, ZIPKIN_ONLY.localIpv4);
    if (local.port > 0) attrs.put(ENDPOINT_KEY.hostPort, int(local.port));
  }
  const remote = z.remoteEndpoint;
  if (remote !== undefined) {
    if (remote.serviceName !== '') attrs.put(ENDPOINT_KEY.peerService, str(remote.serviceName));
    endpointIp(remote, attrs, ENDPOINT_KEY.peerIp, ZIPKIN_ONLY.remoteIpv4);
    if (remote.port > 0) attrs.put(ENDPOINT_KEY.peerPort, int(remote.port));
  }
}

/** The ip attribute holds the ipv6 when both are sent, as the translator writes it last; the ipv4 is kept aside. */
function endpointIp(e: ZipkinEndpoint, attrs: Attributes, ipKey: string, ipv4Key: string): void {
  if (e.ipv6 !== '') {
    attrs.put(ipKey, str(e.ipv6));
    if (e.ipv4 !== '') attrs.put(ipv4Key, str(e.ipv4));
  } else if (e.ipv4 !== '') {
    attrs.put(ipKey, str(e.ipv4));
  }
}

/** Attributes with Go map semantics (a later put of the same key replaces the value), in first-put order. */
class Attributes {
  readonly list: KeyValue[] = [];

  /** A linear search: a span has a few dozen attributes at most, and a Map per span cost more than it saved. */
  put(key: string, value: AnyValue): void {
    const i = this.list.findIndex((kv) => kv.key === key);
    if (i >= 0) this.list[i] = { key, value };
    else this.list.push({ key, value });
  }
}

function take(tags: Map<string, string>, key: string): string | undefined {
  const v = tags.get(key);
  if (v !== undefined) tags.delete(key);
  return v;
}

/**
 * One Resource per local service and resource tags, one Scope per library, shared by reference like the other
 * decoders' (so a batch groups as the sender's did).
 */
class Groups {
  private readonly resources = new Map<string, Resource>();
  /** The last resource handed out, with the (service, resource tags) it came from. */
  private last: { tags: Array<[string, string]>; resource: Resource } | undefined;
  private readonly scopes = new Map<string, Scope>();

  /**
   * The span's resource; takes the resource tags out of `tags` (the library keys stay for {@link scope}). The cache
   * key is built first and the attributes only on a miss: every span of a batch carries its resource as tags.
   */
  resource(serviceName: string, tags: Map<string, string>): Resource {
    // Without a local service the translator leaves the resource empty, and the resource tags are dropped.
    if (serviceName === '') return this.cached('', () => []);
    const serviceKey = take(tags, TAG.serviceNameSource) || 'service.name';
    const resourceTags: Array<[string, string]> = [serviceKey === 'service.name' ? ['', serviceName] : [serviceKey, serviceName]];
    for (const entry of tags) {
      const key = entry[0];
      if (RESOURCE_TAG_KEYS.has(key) && key !== TAG.libraryName && key !== TAG.libraryVersion) resourceTags.push(entry);
    }
    for (let i = 1; i < resourceTags.length; i++) tags.delete(resourceTags[i]![0]);
    // Spans of a batch mostly follow others of the same service: compare with the last one before building a key.
    const last = this.last;
    if (last !== undefined && sameEntries(last.tags, resourceTags)) return last.resource;
    let cacheKey = '';
    for (const [key, value] of resourceTags) cacheKey += `${key}\u0001${value}\u0000`;
    const resource = this.cached(cacheKey, () => {
      const attrs = new Attributes();
      attrs.put(serviceKey, str(serviceName));
      for (let i = 1; i < resourceTags.length; i++) attrs.put(resourceTags[i]![0], str(resourceTags[i]![1]));
      return attrs.list;
    });
    this.last = { tags: resourceTags, resource };
    return resource;
  }

  private cached(cacheKey: string, attributes: () => KeyValue[]): Resource {
    let r = this.resources.get(cacheKey);
    if (r === undefined) this.resources.set(cacheKey, (r = { attributes: attributes(), droppedAttributesCount: 0, entityRefs: [], schemaUrl: '' }));
    return r;
  }

  scope(tags: Map<string, string>): Scope {
    const name = take(tags, TAG.libraryName) ?? '';
    const version = take(tags, TAG.libraryVersion) ?? '';
    const cacheKey = `${name}\u0000${version}`;
    let s = this.scopes.get(cacheKey);
    if (s === undefined) this.scopes.set(cacheKey, (s = { name, version, attributes: [], droppedAttributesCount: 0, schemaUrl: '' }));
    return s;
  }
}

function sameEntries(a: ReadonlyArray<readonly [string, string]>, b: ReadonlyArray<readonly [string, string]>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}
