import { DecodeError } from '../decode-error.js';
import type { DecodeResult } from '../decode-result.js';
import { asArray, asBool, asObject, asString, fail, rethrowUnder } from '../otlp-json/json-values.js';
import type { JsonObject } from '../otlp-json/json-values.js';
import { asEndpoint, asMicros, asTagValue, asZipkinId } from './json-fields.js';
import type { JsonPath } from './json-number-text.js';
import { NEEDS_NUMBER_TEXT, keepNumberTexts } from './json-number-text.js';
import { zipkinToModel } from './to-model.js';
import type { ZipkinAnnotation, ZipkinKind, ZipkinSpan } from './zipkin-span.js';
import { ZIPKIN_KINDS } from './zipkin-span.js';

/**
 * Decodes Zipkin v2 JSON (a list of spans, zipkin2-api.yaml's ListOfSpans) into model spans. Throws DecodeError,
 * naming where, when the document is malformed: e.g. `expected 1 to 32 hex digits, not "xyz" at [2].traceId`.
 * @example decodeZipkinJson('[{"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","name":"get"}]')
 */
export function decodeZipkinJson(body: string | Uint8Array): DecodeResult {
  return zipkinToModel(readZipkinJson(body));
}

/** Zipkin v2 JSON as {@link ZipkinSpan}s, before mapping. */
export function readZipkinJson(body: string | Uint8Array): ZipkinSpan[] {
  return readKeepingNumberText(jsonBodyText(body), readSpans, isTagValue);
}

function readSpans(doc: unknown): ZipkinSpan[] {
  const list = asArray(doc, 'the top level');
  const out = new Array<ZipkinSpan>(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = readSpan(asObject(list[i], ''));
    } catch (e) {
      rethrowUnder(e, `[${i}]`);
    }
  }
  return out;
}

/** `[i].tags.key`. */
const isTagValue = (path: JsonPath): boolean => path.length === 3 && path[1] === 'tags';

/**
 * Reads the document as JSON.parse parses it; when the reader meets a number whose text it needs (it throws
 * NEEDS_NUMBER_TEXT), puts the source text in place of the numbers at `keepText` paths and reads it again. Clients
 * that send tags as strings, as Zipkin asks, never pay for the walk over the text.
 */
export function readKeepingNumberText<T>(text: string, read: (doc: unknown) => T, keepText: (path: JsonPath) => boolean): T {
  const doc = parseJson(text);
  try {
    return read(doc);
  } catch (e) {
    if (e !== NEEDS_NUMBER_TEXT) throw e;
  }
  keepNumberTexts(doc, text, keepText);
  return read(doc);
}

/** The text of a JSON body, a leading byte order mark left out; a DecodeError when there is none. */
export function jsonBodyText(body: string | Uint8Array): string {
  let text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new DecodeError('empty body (expected a JSON list of spans)');
  return text;
}

/** JSON.parse with a DecodeError saying why the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DecodeError(`invalid JSON: ${(e as Error).message}`);
  }
}

function readSpan(o: JsonObject): ZipkinSpan {
  const kind = asString(o.kind ?? undefined, '.kind').toUpperCase();
  if (kind !== '' && !ZIPKIN_KINDS.includes(kind as ZipkinKind)) fail('.kind', `unknown span kind ${JSON.stringify(o.kind)}`);
  return {
    traceId: asZipkinId(o.traceId, '.traceId', 32, true),
    id: asZipkinId(o.id, '.id', 16, true),
    parentId: asZipkinId(o.parentId, '.parentId', 16, false),
    name: asString(o.name ?? undefined, '.name'),
    kind: kind as ZipkinKind,
    timestamp: asMicros(o.timestamp, '.timestamp'),
    duration: asMicros(o.duration, '.duration') ?? 0n,
    localEndpoint: asEndpoint(o.localEndpoint, '.localEndpoint'),
    remoteEndpoint: asEndpoint(o.remoteEndpoint, '.remoteEndpoint'),
    annotations: asArray(o.annotations ?? undefined, '.annotations').map(readAnnotation),
    tags: readTags(o.tags),
    debug: o.debug === undefined || o.debug === null ? false : asBool(o.debug, '.debug'),
    shared: o.shared === undefined || o.shared === null ? false : asBool(o.shared, '.shared'),
  };
}

function readAnnotation(v: unknown, i: number): ZipkinAnnotation {
  const where = `.annotations[${i}]`;
  const a = asObject(v, where);
  const timestamp = asMicros(a.timestamp, `${where}.timestamp`);
  if (timestamp === undefined) fail(`${where}.timestamp`, 'missing timestamp');
  return { timestamp: timestamp!, value: asString(a.value ?? undefined, `${where}.value`) };
}

function readTags(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (v === undefined || v === null) return out;
  const o = asObject(v, '.tags');
  for (const key in o) {
    const value = o[key];
    if (value !== null && value !== undefined) out.set(key, typeof value === 'string' ? value : asTagValue(value, `.tags[${JSON.stringify(key)}]`));
  }
  return out;
}
