import { SpanKind, StatusCode, bool, dbl, int, str } from '@clew/model';
import type { AnyValue, KeyValue, Resource, Scope, Span, SpanEvent, SpanId, SpanLink, SpanStatus, TraceId, UnixNanos } from '@clew/model';
import type { DecodeResult } from '../decode-result.js';
import { SpanSink, spanIdProblem } from '../validate.js';
import type { JaegerBatch, JaegerLog, JaegerProcess, JaegerSpan, JaegerSpanRef, JaegerTag } from './jaeger-batch.js';
import { SpanRefType, TagType } from './jaeger-batch.js';

/** Tag keys the translator gives meaning to. */
export const TAG = {
  spanKind: 'span.kind',
  error: 'error',
  statusCode: 'otel.status_code',
  statusDescription: 'otel.status_description',
  httpStatusCode: 'http.status_code',
  httpStatusMessage: 'http.status_message',
  traceState: 'w3c.tracestate',
  scopeName: 'otel.scope.name',
  scopeVersion: 'otel.scope.version',
  libraryName: 'otel.library.name',
  libraryVersion: 'otel.library.version',
  eventName: 'event',
  refType: 'opentracing.ref_type',
} as const;

const KINDS: Record<string, SpanKind> = {
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/** Jaeger's SAMPLED flag bit, W3C's sampled trace flag. */
const SAMPLED = 1;

/**
 * Maps a jaeger.thrift Batch to the model as OpenTelemetry's Jaeger translator does (collector-contrib
 * pkg/translator/jaeger, jaegerthrift_to_traces.go, with the scope and trace-state tags of its proto sibling);
 * the mapping is tabled in docs/jaeger-thrift.md. Spans with an all-zero trace or span id are refused one by one.
 */
export function jaegerToModel(batch: JaegerBatch): DecodeResult {
  const sink = new SpanSink();
  const resource = toResource(batch.process);
  const scopes = new Map<string, Scope>();
  for (const j of batch.spans) {
    if (isBlank(j)) continue;
    const span = toSpan(j, resource, scopes);
    const problem = spanIdProblem(span.traceId, span.spanId, span.parentSpanId);
    if (problem !== '') sink.reject(span.name, problem);
    else sink.spans.push(span);
  }
  return sink.result();
}

function toResource(p: JaegerProcess): Resource {
  const attrs: KeyValue[] = [];
  if (p.serviceName !== '') attrs.push({ key: 'service.name', value: str(p.serviceName) });
  if (p.tags !== undefined) putTags(attrs, p.tags);
  // Jaeger clients' own names for what OpenTelemetry calls host.name and the exporter version.
  const hostname = take(attrs, 'hostname', () => get(attrs, 'host.name') === undefined);
  if (hostname !== undefined) put(attrs, 'host.name', str(text(hostname)));
  const version = take(attrs, 'jaeger.version', () => get(attrs, 'opencensus.exporterversion') === undefined);
  if (version !== undefined) put(attrs, 'opencensus.exporterversion', str(`Jaeger-${text(version)}`));
  return { attributes: attrs, droppedAttributesCount: 0, entityRefs: [], schemaUrl: '' };
}

function toSpan(j: JaegerSpan, resource: Resource, scopes: Map<string, Scope>): Span {
  const attrs: KeyValue[] = [];
  putTags(attrs, j.tags);
  const kindTag = take(attrs, TAG.spanKind);
  const kind = kindTag === undefined ? SpanKind.UNSPECIFIED : (KINDS[text(kindTag)] ?? SpanKind.UNSPECIFIED);
  const status = takeStatus(attrs, kind);
  const traceState = take(attrs, TAG.traceState);
  const scope = takeScope(attrs, scopes);
  const parent = parentSpanId(j);
  const start = BigInt.asUintN(64, j.startTime);
  const end = BigInt.asUintN(64, j.startTime + j.duration);
  return {
    traceId: traceIdHex(j.traceIdHigh, j.traceIdLow),
    spanId: id64(j.spanId) as SpanId,
    parentSpanId: parent === 0n ? null : (id64(parent) as SpanId),
    traceState: traceState === undefined ? '' : text(traceState),
    flags: j.flags & SAMPLED,
    name: j.operationName,
    kind,
    startTimeUnixNano: BigInt.asUintN(64, start * 1000n) as UnixNanos,
    endTimeUnixNano: BigInt.asUintN(64, end * 1000n) as UnixNanos,
    attributes: attrs,
    droppedAttributesCount: 0,
    events: j.logs.map(toEvent),
    droppedEventsCount: 0,
    links: toLinks(j.references, parent),
    droppedLinksCount: 0,
    status,
    resource,
    scope,
  };
}

/** The parentSpanId field, else the first reference into the same trace: CHILD_OF before FOLLOWS_FROM. */
function parentSpanId(j: JaegerSpan): bigint {
  if (j.parentSpanId !== 0n) return j.parentSpanId;
  let followsFrom: JaegerSpanRef | undefined;
  for (const ref of j.references) {
    if (ref.traceIdHigh !== j.traceIdHigh || ref.traceIdLow !== j.traceIdLow) continue;
    if (ref.refType === SpanRefType.CHILD_OF) return ref.spanId;
    if (followsFrom === undefined && ref.refType === SpanRefType.FOLLOWS_FROM) followsFrom = ref;
  }
  return followsFrom?.spanId ?? 0n;
}

/** Every reference but the CHILD_OF one to the parent is a link, its type in `opentracing.ref_type`. */
function toLinks(refs: readonly JaegerSpanRef[], parent: bigint): SpanLink[] {
  const links: SpanLink[] = [];
  for (const ref of refs) {
    if (ref.spanId === parent && ref.refType === SpanRefType.CHILD_OF) continue;
    links.push({
      traceId: traceIdHex(ref.traceIdHigh, ref.traceIdLow),
      spanId: id64(ref.spanId) as SpanId,
      traceState: '',
      attributes: [{ key: TAG.refType, value: str(ref.refType === SpanRefType.CHILD_OF ? 'child_of' : 'follows_from') }],
      droppedAttributesCount: 0,
      flags: 0,
    });
  }
  return links;
}

/** A log is an event at its time; its `event` field, when there is one, is the event's name. */
function toEvent(log: JaegerLog): SpanEvent {
  const attrs: KeyValue[] = [];
  putTags(attrs, log.fields);
  const name = take(attrs, TAG.eventName);
  const timeUnixNano = BigInt.asUintN(64, BigInt.asUintN(64, log.timestamp) * 1000n) as UnixNanos;
  return { timeUnixNano, name: name === undefined ? '' : text(name), attributes: attrs, droppedAttributesCount: 0 };
}

/**
 * The translator's setInternalSpanStatus: an `error` tag that is true wins (message from
 * `otel.status_description`, else `http.status_message`); else `otel.status_code` (+ description); else an
 * `http.status_code` that means failure (5xx, or 4xx unless the span is a server's).
 */
function takeStatus(attrs: KeyValue[], kind: SpanKind): SpanStatus {
  let code: StatusCode = StatusCode.UNSET;
  let message = '';
  let found = false;
  const error = get(attrs, TAG.error);
  if (error !== undefined && isTrue(error)) {
    take(attrs, TAG.error);
    code = StatusCode.ERROR;
    found = true;
    const desc = take(attrs, TAG.statusDescription) ?? get(attrs, TAG.httpStatusMessage);
    if (desc !== undefined) message = text(desc);
  }
  const codeTag = take(attrs, TAG.statusCode);
  if (codeTag !== undefined) {
    if (!found) {
      code = statusCode(codeTag);
      const desc = take(attrs, TAG.statusDescription);
      if (desc !== undefined) message = text(desc);
    }
  } else if (!found) {
    const http = httpStatus(get(attrs, TAG.httpStatusCode));
    if (http !== undefined) {
      // StatusCodeFromHTTP: 100-398 leave the status unset, anything else is a failure.
      const failed = http >= 400 && http < 500 ? kind !== SpanKind.SERVER : http < 100 || http >= 399;
      if (failed) {
        code = StatusCode.ERROR;
        const msg = get(attrs, TAG.httpStatusMessage);
        if (msg !== undefined) message = text(msg);
      }
    }
  }
  return { code, message };
}

/**
 * `otel.status_code` as a name, `OK` or `ERROR` in any case (the specification's and every current exporter's);
 * or as an integer, which OpenTelemetry Go's Jaeger exporter sent until v1.3.0 (opentelemetry-go#2440): Go's
 * codes.Code, in which 1 is Error and 2 is Ok (the reverse of OTLP's numbers). The translator reads only names and
 * leaves an integer's span unset. Anything else is unset.
 */
function statusCode(v: AnyValue): StatusCode {
  if (v.type === 'int') return v.value === GO_CODE_ERROR ? StatusCode.ERROR : v.value === GO_CODE_OK ? StatusCode.OK : StatusCode.UNSET;
  const name = text(v).toUpperCase();
  return name === 'OK' ? StatusCode.OK : name === 'ERROR' ? StatusCode.ERROR : StatusCode.UNSET;
}

/** go.opentelemetry.io/otel/codes: Unset 0, Error 1, Ok 2. */
const GO_CODE_ERROR = 1n;
const GO_CODE_OK = 2n;

/** The translator reads a bool `error` tag; a string "true", which some Jaeger clients send, is taken too. */
function isTrue(v: AnyValue): boolean {
  return (v.type === 'bool' && v.value) || (v.type === 'string' && v.value === 'true');
}

function httpStatus(v: AnyValue | undefined): number | undefined {
  if (v?.type === 'int') return Number(v.value);
  if (v?.type === 'string' && /^-?[0-9]+$/.test(v.value)) return Number(v.value);
  return undefined;
}

/** `otel.scope.name`/`version`, else `otel.library.name`/`version`, as the proto translator's getScope. */
function takeScope(attrs: KeyValue[], scopes: Map<string, Scope>): Scope {
  let name = '';
  let version = '';
  const scopeName = take(attrs, TAG.scopeName);
  if (scopeName !== undefined) {
    name = text(scopeName);
    version = textOr(take(attrs, TAG.scopeVersion));
  } else {
    const libraryName = take(attrs, TAG.libraryName);
    if (libraryName !== undefined) {
      name = text(libraryName);
      version = textOr(take(attrs, TAG.libraryVersion));
    }
  }
  const key = `${name}\u0000${version}`;
  let scope = scopes.get(key);
  if (scope === undefined) scopes.set(key, (scope = { name, version, attributes: [], droppedAttributesCount: 0, schemaUrl: '' }));
  return scope;
}

/** Tags as attributes, by type; a repeated key replaces the earlier value (pdata's Put). */
function putTags(attrs: KeyValue[], tags: readonly JaegerTag[]): void {
  for (const tag of tags) put(attrs, tag.key, tagValue(tag));
}

function tagValue(tag: JaegerTag): AnyValue {
  switch (tag.vType) {
    case TagType.STRING:
      return str(tag.vStr);
    case TagType.BOOL:
      return bool(tag.vBool);
    case TagType.LONG:
      return int(tag.vLong);
    case TagType.DOUBLE:
      return dbl(tag.vDouble);
    case TagType.BINARY:
      return { type: 'bytes', value: tag.vBinary };
    default:
      return str('<Unknown Jaeger TagType "<UNSET>">');
  }
}

/** A value as pdata's Str() reads it: the string, or '' for any other type. */
function text(v: AnyValue): string {
  return v.type === 'string' ? v.value : '';
}

function textOr(v: AnyValue | undefined): string {
  return v === undefined ? '' : text(v);
}

/** The last trace id turned to hex: a batch's spans mostly share a few traces, and BigInt to hex is not cheap. */
let lastTrace = { high: 0n, low: 0n, hex: '0'.repeat(32) as TraceId };

function traceIdHex(high: bigint, low: bigint): TraceId {
  if (high !== lastTrace.high || low !== lastTrace.low) lastTrace = { high, low, hex: (id64(high) + id64(low)) as TraceId };
  return lastTrace.hex;
}

function id64(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** A linear search: a span has a few dozen tags at most. */
function put(attrs: KeyValue[], key: string, value: AnyValue): void {
  const i = attrs.findIndex((kv) => kv.key === key);
  if (i >= 0) attrs[i] = { key, value };
  else attrs.push({ key, value });
}

function get(attrs: readonly KeyValue[], key: string): AnyValue | undefined {
  for (const kv of attrs) if (kv.key === key) return kv.value;
  return undefined;
}

/** Removes `key` and returns its value (when `when` agrees). */
function take(attrs: KeyValue[], key: string, when: () => boolean = () => true): AnyValue | undefined {
  const i = attrs.findIndex((kv) => kv.key === key);
  if (i < 0 || !when()) return undefined;
  const v = attrs[i]!.value;
  attrs.splice(i, 1);
  return v;
}

/** The all-zero span the translator skips (what a client's empty struct decodes to). */
function isBlank(j: JaegerSpan): boolean {
  return (
    j.traceIdLow === 0n && j.traceIdHigh === 0n && j.spanId === 0n && j.parentSpanId === 0n && j.operationName === '' &&
    j.references.length === 0 && j.flags === 0 && j.startTime === 0n && j.duration === 0n && j.tags.length === 0 && j.logs.length === 0
  );
}
