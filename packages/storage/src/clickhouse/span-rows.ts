import type { Attributes, Span, SpanId, SpanKind, SpanOutline, Tenant, TraceId, UnixNanos } from '@clew/model';
import { anyValueToString, serviceName, spanOutline } from '@clew/model';
import { ByteWriter } from '../duckdb/byte-writer.js';
import { decodeBody, decodeResource, decodeScope, encodeResource, encodeScope, statusCode, writeBody } from '../duckdb/span-codec.js';

/** A row of the spans table as JSONEachRow carries it (64-bit numbers as decimal strings). */
export interface SpanRow {
  tenant: string;
  service: string;
  name: string;
  start: string;
  end: string;
  trace_id: string;
  span_id: string;
  parent_id: string;
  kind: number;
  status: number;
  day: number;
  source: string;
  wal_pos: string;
  attr_keys: string[];
  attr_values: string[];
  event_keys: string[];
  event_values: string[];
  res_keys: string[];
  res_values: string[];
  resource: string;
  scope: string;
  body: string;
}

/** The columns toSpan reads back. */
export const READ_COLUMNS = 'trace_id, span_id, parent_id, start, end, name, kind, status, resource, scope, body';
export type ReadRow = Pick<SpanRow, 'trace_id' | 'span_id' | 'parent_id' | 'start' | 'end' | 'name' | 'kind' | 'status' | 'resource' | 'scope' | 'body'>;

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

const keys = (a: Attributes): string[] => a.map((kv) => kv.key);
const texts = (a: Attributes): string[] => a.map((kv) => anyValueToString(kv.value));

/**
 * The row of a span. Throws a RangeError for what the table cannot hold (an id that is not lowercase hex of the
 * right length), before anything is written. Resources and scopes repeat across a batch: `cache` encodes each once.
 */
export function toRow(
  s: Span,
  tenant: Tenant,
  day: number,
  source: string,
  walPos: bigint,
  cache: Map<object, string>,
): SpanRow {
  if (!TRACE_ID.test(s.traceId)) throw new RangeError(`not a trace id: ${JSON.stringify(s.traceId)}`);
  if (!SPAN_ID.test(s.spanId)) throw new RangeError(`not a span id: ${JSON.stringify(s.spanId)}`);
  if (s.parentSpanId !== null && !SPAN_ID.test(s.parentSpanId)) throw new RangeError(`not a parent span id: ${JSON.stringify(s.parentSpanId)}`);
  const w = new ByteWriter();
  writeBody(w, s);
  let resource = cache.get(s.resource);
  if (resource === undefined) cache.set(s.resource, (resource = encodeResource(s.resource)));
  let scope = cache.get(s.scope);
  if (scope === undefined) cache.set(s.scope, (scope = encodeScope(s.scope)));
  const eventAttrs = s.events.flatMap((e) => e.attributes);
  return {
    tenant,
    service: serviceName(s.resource),
    name: s.name,
    start: BigInt.asUintN(64, s.startTimeUnixNano).toString(),
    end: BigInt.asUintN(64, s.endTimeUnixNano).toString(),
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_id: s.parentSpanId ?? '',
    kind: s.kind,
    status: s.status.code,
    day,
    source,
    wal_pos: walPos.toString(),
    attr_keys: keys(s.attributes),
    attr_values: texts(s.attributes),
    event_keys: keys(eventAttrs),
    event_values: texts(eventAttrs),
    res_keys: keys(s.resource.attributes),
    res_values: texts(s.resource.attributes),
    resource,
    scope,
    body: w.bytes.toString('utf8', 0, w.at),
  };
}

/** A span back from its row, exactly as appended. Resources and scopes repeat: `cache` decodes each text once. */
export function toSpan(r: ReadRow, cache: Map<string, unknown>): Span {
  const start = BigInt(r.start) as UnixNanos;
  const { attributes, events, rest } = decodeBody(r.body, start);
  let resource = cache.get(r.resource) as Span['resource'] | undefined;
  if (resource === undefined) cache.set(r.resource, (resource = decodeResource(r.resource)));
  let scope = cache.get(r.scope) as Span['scope'] | undefined;
  if (scope === undefined) cache.set(r.scope, (scope = decodeScope(r.scope)));
  return {
    traceId: r.trace_id as TraceId,
    spanId: r.span_id as SpanId,
    parentSpanId: r.parent_id === '' ? null : (r.parent_id as SpanId),
    traceState: rest.traceState,
    flags: rest.flags,
    name: r.name,
    kind: Number(r.kind) as SpanKind,
    startTimeUnixNano: start,
    endTimeUnixNano: BigInt(r.end) as UnixNanos,
    attributes,
    droppedAttributesCount: rest.droppedAttributesCount,
    events,
    droppedEventsCount: rest.droppedEventsCount,
    links: rest.links,
    droppedLinksCount: rest.droppedLinksCount,
    status: { code: statusCode(Number(r.status)), message: rest.statusMessage },
    resource,
    scope,
  };
}

/** The outline of a row (decoding it whole: outlines of ClickHouse rows skip nothing yet). */
export const toOutline = (r: ReadRow, cache: Map<string, unknown>): SpanOutline => spanOutline(toSpan(r, cache));
