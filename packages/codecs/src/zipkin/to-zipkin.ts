import { SpanKind, StatusCode, anyValueJsonText, anyValueToString, nanosToMicros } from '@clew/model';
import type { Attributes, Span } from '@clew/model';
import type { ZipkinJsonEndpoint, ZipkinJsonSpan } from './json-types.js';
import { ENDPOINT_KEY, TAG, ZIPKIN_ONLY } from './resource-keys.js';

const KINDS: Partial<Record<SpanKind, ZipkinJsonSpan['kind']>> = {
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Keys whose value names the service when `service.name` is absent, in the exporter's order of preference. */
const SERVICE_NAME_FALLBACKS = ['faas.name', 'k8s.deployment.name', 'process.executable.name'];

/**
 * The spans of one trace as Zipkin v2 JSON, mapped as OpenTelemetry's Zipkin exporter does (collector-contrib
 * zipkinv2/from_translator.go): resource and scope become tags, endpoints come from `net.*`/`peer.service`, status
 * becomes `otel.status_code` and `error`, events annotations, links `otlp.link.N` tags. A server span that shares
 * its id with a client span of the trace (Zipkin's shared RPC span, as ingested) is marked `shared`, as is a span
 * ingested with `shared` whose client half is not there.
 */
export function toZipkinTrace(spans: readonly Span[]): ZipkinJsonSpan[] {
  const clientIds = new Set<string>();
  for (const s of spans) if (s.kind === SpanKind.CLIENT) clientIds.add(s.spanId);
  return spans.map((s) => toZipkinSpan(s, s.kind === SpanKind.SERVER && clientIds.has(s.spanId)));
}

/** One span as Zipkin v2 JSON; see {@link toZipkinTrace}. */
export function toZipkinSpan(span: Span, shared = false): ZipkinJsonSpan {
  const tags = new Map<string, string>();
  let serviceName = '';
  for (const kv of span.resource.attributes) tags.set(kv.key, anyValueToString(kv.value));
  if (tags.has('service.name')) {
    serviceName = tags.get('service.name')!;
    tags.delete('service.name');
  } else {
    const source = SERVICE_NAME_FALLBACKS.find((k) => tags.has(k));
    if (source !== undefined) {
      serviceName = tags.get(source)!;
      tags.delete(source);
      tags.set(TAG.serviceNameSource, source);
    }
  }
  if (span.scope.name !== '') tags.set(TAG.libraryName, span.scope.name);
  if (span.scope.version !== '') tags.set(TAG.libraryVersion, span.scope.version);
  for (const kv of span.attributes) tags.set(kv.key, anyValueToString(kv.value));
  if (span.traceState !== '') tags.set(TAG.traceState, span.traceState);
  if (span.kind === SpanKind.INTERNAL) tags.set(TAG.spanKind, 'internal');
  const startAbsent = takeFlag(tags, TAG.startTimeAbsent);
  const debug = takeFlag(tags, ZIPKIN_ONLY.debug);
  const sharedFlag = takeFlag(tags, ZIPKIN_ONLY.shared);
  const localEndpoint = endpoint(tags, serviceName, ENDPOINT_KEY.hostIp, ZIPKIN_ONLY.localIpv4, ENDPOINT_KEY.hostPort);
  const peer = tags.get(ENDPOINT_KEY.peerService) ?? '';
  tags.delete(ENDPOINT_KEY.peerService);
  const remoteEndpoint = endpoint(tags, peer, ENDPOINT_KEY.peerIp, ZIPKIN_ONLY.remoteIpv4, ENDPOINT_KEY.peerPort);
  statusTags(span, tags);
  span.links.forEach((l, i) =>
    tags.set(`otlp.link.${i}`, `${l.traceId}|${l.spanId}|${l.traceState}|${attributesJson(l.attributes)}|${l.droppedAttributesCount}`),
  );

  // Fields in the order Zipkin writes them.
  const out: ZipkinJsonSpan = {
    traceId: zipkinTraceId(span.traceId),
    ...(span.parentSpanId !== null && { parentId: span.parentSpanId }),
    id: span.spanId,
  };
  const kind = KINDS[span.kind];
  if (kind !== undefined) out.kind = kind;
  if (span.name !== '') out.name = span.name;
  if (!startAbsent && span.startTimeUnixNano !== 0n) out.timestamp = nanosToMicros(span.startTimeUnixNano);
  const duration = span.endTimeUnixNano > span.startTimeUnixNano ? nanosToMicros(span.endTimeUnixNano - span.startTimeUnixNano) : 0;
  if (duration > 0) out.duration = duration;
  if (localEndpoint !== undefined) out.localEndpoint = localEndpoint;
  if (remoteEndpoint !== undefined) out.remoteEndpoint = remoteEndpoint;
  if (span.events.length > 0) {
    out.annotations = span.events
      .map((e) => ({
        timestamp: nanosToMicros(e.timeUnixNano) as number,
        value: e.attributes.length === 0 && e.droppedAttributesCount === 0 ? e.name : `${e.name}|${attributesJson(e.attributes)}|${e.droppedAttributesCount}`,
      }))
      .sort((a, b) => a.timestamp - b.timestamp || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  // Zipkin keeps tags in a sorted map, so its answers list them by key.
  if (tags.size > 0) out.tags = Object.fromEntries([...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (debug) out.debug = true;
  if (shared || sharedFlag) out.shared = true;
  return out;
}

/** How Zipkin prints a trace id: 16 digits when the high half is zero (a 64-bit id), else 32. */
export function zipkinTraceId(traceId: string): string {
  return traceId.startsWith('0000000000000000') ? traceId.slice(16) : traceId;
}

/** Status as the exporter writes it; a failed span's `error` tag holds its message, as Zipkin's own clients do. */
function statusTags(span: Span, tags: Map<string, string>): void {
  const { code, message } = span.status;
  if (code === StatusCode.ERROR) tags.set(TAG.error, message || 'true');
  else if (tags.get(TAG.error) !== undefined) tags.delete(TAG.error);
  if (code === StatusCode.UNSET) return;
  tags.set(TAG.statusCode, code === StatusCode.ERROR ? 'ERROR' : 'OK');
  if (message !== '') tags.set(TAG.statusDescription, message);
}

/** Removes a flag attribute the mapping from Zipkin adds; whether it was true. */
function takeFlag(tags: Map<string, string>, key: string): boolean {
  const value = tags.get(key);
  tags.delete(key);
  return value === 'true';
}

function endpoint(tags: Map<string, string>, serviceName: string, ipKey: string, ipv4Key: string, portKey: string): ZipkinJsonEndpoint | undefined {
  const ip = tags.get(ipKey);
  const ipv4 = tags.get(ipv4Key);
  const portText = tags.get(portKey);
  tags.delete(ipKey);
  tags.delete(ipv4Key);
  tags.delete(portKey);
  if (serviceName === '' && ip === undefined) return undefined;
  const e: ZipkinJsonEndpoint = {};
  if (serviceName !== '') e.serviceName = serviceName;
  if (ip !== undefined) {
    // An ipv4 kept aside is the other address of an endpoint that had both (the ip attribute holds the ipv6).
    if (ip.includes(':')) {
      if (ipv4 !== undefined) e.ipv4 = ipv4;
      e.ipv6 = ip;
    } else {
      e.ipv4 = ip;
    }
  }
  const port = Number(portText);
  if (portText !== undefined && Number.isInteger(port) && port > 0 && port <= 65535) e.port = port;
  return e;
}

/** Attributes as the Go exporter marshals `AsRaw()`: a JSON object, keys sorted, typed values, int64 exact. */
function attributesJson(attrs: Attributes): string {
  return anyValueJsonText({ type: 'kvlist', value: attrs }, { go: true });
}
