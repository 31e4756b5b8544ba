import type { DecodeResult } from '../decode-result.js';
import { asArray, asObject, asString, rethrowUnder } from '../otlp-json/json-values.js';
import type { JsonObject } from '../otlp-json/json-values.js';
import { jsonBodyText, readKeepingNumberText } from './decode-json.js';
import { asEndpoint, asMicros, asTagValue, asZipkinId } from './json-fields.js';
import type { JsonPath } from './json-number-text.js';
import { zipkinToModel } from './to-model.js';
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './zipkin-span.js';

/**
 * Decodes Zipkin v1 JSON (`POST /api/v1/spans`) into model spans: each v1 span is first converted to v2 the way
 * Zipkin's own V1SpanConverter does (core annotations cs/sr/ss/cr/ms/mr give kind, local endpoint, timestamp and
 * duration; a span with both client and server annotations becomes a client span and a shared server span;
 * binary annotations become tags, `ca`/`sa`/`ma` the remote endpoint), then mapped like v2.
 */
export function decodeZipkinV1Json(body: string | Uint8Array): DecodeResult {
  return zipkinToModel(readKeepingNumberText(jsonBodyText(body), readV1Spans, isBinaryAnnotationValue));
}

/** `[i].binaryAnnotations[j].value`. */
const isBinaryAnnotationValue = (path: JsonPath): boolean => path.length === 4 && path[1] === 'binaryAnnotations' && path[3] === 'value';

function readV1Spans(doc: unknown): ZipkinSpan[] {
  const list = asArray(doc, 'the top level');
  const spans: ZipkinSpan[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      spans.push(...convertV1(readV1(asObject(list[i], ''))));
    } catch (e) {
      rethrowUnder(e, `[${i}]`);
    }
  }
  return spans;
}

interface V1Annotation {
  readonly timestamp: bigint;
  readonly value: string;
  readonly endpoint: ZipkinEndpoint | undefined;
}
interface V1BinaryAnnotation {
  readonly key: string;
  readonly value: string;
  readonly endpoint: ZipkinEndpoint | undefined;
}
interface V1Span {
  readonly traceId: string;
  readonly id: string;
  readonly parentId: string;
  readonly name: string;
  readonly timestamp: bigint | undefined;
  readonly duration: bigint | undefined;
  readonly debug: boolean;
  readonly annotations: readonly V1Annotation[];
  readonly binaryAnnotations: readonly V1BinaryAnnotation[];
}

function readV1(o: JsonObject): V1Span {
  return {
    traceId: asZipkinId(o.traceId, '.traceId', 32, true),
    id: asZipkinId(o.id, '.id', 16, true),
    parentId: asZipkinId(o.parentId, '.parentId', 16, false),
    name: asString(o.name ?? undefined, '.name'),
    timestamp: asMicros(o.timestamp, '.timestamp'),
    duration: asMicros(o.duration, '.duration'),
    debug: o.debug === true,
    annotations: asArray(o.annotations ?? undefined, '.annotations').map((v, i) => {
      const where = `.annotations[${i}]`;
      const a = asObject(v, where);
      return {
        timestamp: asMicros(a.timestamp, `${where}.timestamp`) ?? 0n,
        value: asString(a.value ?? undefined, `${where}.value`),
        endpoint: asEndpoint(a.endpoint, `${where}.endpoint`),
      };
    }),
    binaryAnnotations: asArray(o.binaryAnnotations ?? undefined, '.binaryAnnotations').map((v, i) => {
      const where = `.binaryAnnotations[${i}]`;
      const b = asObject(v, where);
      return {
        key: asString(b.key ?? undefined, `${where}.key`),
        value: asTagValue(b.value ?? '', `${where}.value`),
        endpoint: asEndpoint(b.endpoint, `${where}.endpoint`),
      };
    }),
  };
}

type Draft = {
  kind: ZipkinKind;
  shared: boolean;
  localEndpoint: ZipkinEndpoint | undefined;
  remoteEndpoint: ZipkinEndpoint | undefined;
  timestamp: bigint | undefined;
  duration: bigint | undefined;
  annotations: ZipkinAnnotation[];
  tags: Map<string, string>;
};

const draft = (kind: ZipkinKind, shared = false): Draft => ({
  kind,
  shared,
  localEndpoint: undefined,
  remoteEndpoint: undefined,
  timestamp: undefined,
  duration: undefined,
  annotations: [],
  tags: new Map(),
});

/** One v1 span as one v2 span, or two when it carries both the client's and the server's annotations. */
function convertV1(v1: V1Span): ZipkinSpan[] {
  const core = new Map<string, V1Annotation>();
  for (const a of v1.annotations) if (CORE.has(a.value) && !core.has(a.value)) core.set(a.value, a);
  const isClient = core.has('cs') || core.has('cr');
  const isServer = core.has('sr') || core.has('ss');
  const client = isClient ? draft('CLIENT') : undefined;
  const server = isServer ? draft('SERVER', isClient) : undefined;
  const other = client ?? server ?? draft(core.has('ms') ? 'PRODUCER' : core.has('mr') ? 'CONSUMER' : '');
  if (client) side(client, core.get('cs'), core.get('cr'));
  if (server) side(server, core.get('sr'), core.get('ss'));
  if (!client && !server) side(other, core.get('ms') ?? core.get('mr'), undefined);
  const first = client ?? server ?? other;
  // The span's own timestamp and duration are the client's view when it has one (v1 puts them on the caller).
  if (v1.timestamp !== undefined && (client !== undefined || server === undefined)) first.timestamp = v1.timestamp;
  if (v1.duration !== undefined && (client !== undefined || server === undefined)) first.duration = v1.duration;
  if (server && !client) {
    server.timestamp = v1.timestamp ?? server.timestamp;
    server.duration = v1.duration ?? server.duration;
  }
  for (const a of v1.annotations) {
    if (CORE.has(a.value)) continue;
    first.annotations.push({ timestamp: a.timestamp, value: a.value });
    first.localEndpoint ??= a.endpoint;
  }
  for (const b of v1.binaryAnnotations) {
    const address = ADDRESS[b.key];
    if (address !== undefined) {
      // ca is the client's address as the server saw it; sa the server's as the client saw it; ma the broker's.
      const target = address === 'SERVER' ? server : address === 'CLIENT' ? client : client ?? server ?? other;
      if (target && b.endpoint) target.remoteEndpoint = b.endpoint;
      else if (!client && !server && b.endpoint) other.remoteEndpoint = b.endpoint;
      continue;
    }
    const owner = server && b.endpoint && b.endpoint.serviceName === server.localEndpoint?.serviceName && client?.localEndpoint?.serviceName !== b.endpoint.serviceName ? server : first;
    owner.tags.set(b.key, b.value);
    owner.localEndpoint ??= b.endpoint;
  }
  return [client, server, client || server ? undefined : other]
    .filter((d): d is Draft => d !== undefined)
    .map((d) => ({
      traceId: v1.traceId,
      id: v1.id,
      parentId: v1.parentId,
      name: v1.name,
      kind: d.kind,
      timestamp: d.timestamp,
      duration: d.duration ?? 0n,
      localEndpoint: d.localEndpoint,
      remoteEndpoint: d.remoteEndpoint,
      annotations: d.annotations,
      tags: d.tags,
      debug: v1.debug,
      shared: d.shared,
    }));
}

/** Start, end and endpoint of one side of an RPC from its pair of core annotations. */
function side(d: Draft, begin: V1Annotation | undefined, end: V1Annotation | undefined): void {
  d.localEndpoint = begin?.endpoint ?? end?.endpoint;
  d.timestamp = begin?.timestamp;
  if (begin && end && end.timestamp >= begin.timestamp) d.duration = end.timestamp - begin.timestamp;
}

const CORE = new Set(['cs', 'cr', 'sr', 'ss', 'ms', 'mr']);
/** Address binary annotations, by the kind of span whose remote endpoint they give. */
const ADDRESS: Record<string, ZipkinKind | 'MESSAGE'> = { ca: 'SERVER', sa: 'CLIENT', ma: 'MESSAGE' };
