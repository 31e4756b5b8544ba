import type { AnyValue, Attributes, Span } from '@clew/model';
import { SPAN_KIND_NAMES, StatusCode } from '@clew/model';
import { GoMap, goStringCompare } from './go-json.js';
import type { GoValue } from './go-json.js';

/*
 * Tempo's pkg/model/tracediff/normalize.go over Clew's spans: each span gets a path of sibling indexes from its root
 * (siblings by start, then span id), its logical identity (service, name, kind) and its parent's, in pre-order.
 */

export interface SpanRef {
  readonly path: readonly number[];
  readonly service: string;
  readonly name: string;
  readonly kind: string;
}

export interface SpanSnapshot {
  readonly path: readonly number[];
  readonly service: string;
  readonly name: string;
  readonly kind: string;
  readonly duration_nanos: bigint;
  readonly status: string;
}

export interface Warning {
  readonly code: string;
  readonly message: string;
}

export interface NormalizedSpan {
  readonly spanId: string;
  /** The parent's identity key (service, name, kind joined), '' at the root level. */
  readonly parentIdentity: string;
  readonly hasParent: boolean;
  readonly identity: string;
  readonly ref: SpanRef;
  readonly snapshot: SpanSnapshot;
  readonly start: bigint;
  readonly end: bigint;
  readonly durationValid: boolean;
  readonly attrs: ReadonlyMap<string, GoValue>;
}

export interface NormalizedTrace {
  readonly meta: { readonly traceId: string; readonly spanCount: number };
  readonly spans: readonly NormalizedSpan[];
}

const MAX_INT64 = (1n << 63n) - 1n;

/** normalizeTraceForSide: `side` is "base" or "compare" and names the trace in warnings. */
export function normalizeTrace(spans: readonly Span[], side: string): { trace: NormalizedTrace; warnings: Warning[] } {
  const meta = { traceId: spans.find((s) => s.traceId !== '')?.traceId ?? '', spanCount: spans.length };
  const warnings = [...highCardinalitySpanNameWarnings(spans), ...invalidDurationWarnings(spans, side)];
  if (spans.length === 0) warnings.push({ code: 'zero_span_trace', message: `${sideLabel(side)} contains no spans; comparison has no span matches` });

  const byId = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && byId.has(s.parentSpanId) ? s.parentSpanId : '';
    const list = children.get(parent);
    if (list) list.push(s);
    else children.set(parent, [s]);
  }
  for (const list of children.values()) list.sort(bySpanOrder);

  const out: NormalizedSpan[] = [];
  const visited = new Set<string>();
  const rootIndex = assignPaths(out, children, children.get('') ?? [], 0, visited);
  // Then the spans only reachable round a cycle, as extra roots.
  assignPaths(out, children, [...spans].sort(bySpanOrder), rootIndex, visited);
  const dropped = meta.spanCount - out.length;
  if (dropped > 0) {
    warnings.push({
      code: 'duplicate_span_id',
      message: `${sideLabel(side)} has ${dropped} span(s) with duplicate span IDs; duplicates are ignored by the diff and counts may disagree`,
    });
  }
  return { trace: { meta, spans: out }, warnings };
}

interface Frame {
  readonly list: readonly Span[];
  pos: number;
  next: number;
  readonly path: readonly number[];
  readonly identity: string;
  readonly hasParent: boolean;
}

/** assignPaths as a loop (Go recurses): pre-order, each unvisited span numbered among its siblings. */
function assignPaths(out: NormalizedSpan[], children: ReadonlyMap<string, readonly Span[]>, roots: readonly Span[], startIndex: number, visited: Set<string>): number {
  const top: Frame = { list: roots, pos: 0, next: startIndex, path: [], identity: '', hasParent: false };
  const stack: Frame[] = [top];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.pos >= f.list.length) {
      stack.pop();
      continue;
    }
    const span = f.list[f.pos++]!;
    if (visited.has(span.spanId)) continue;
    const path = [...f.path, f.next++];
    const key = logicalKey(span);
    out.push(normalizeSpan(span, path, key, f.identity, f.hasParent));
    visited.add(span.spanId);
    stack.push({ list: children.get(span.spanId) ?? [], pos: 0, next: 0, path, identity: identityOf(key), hasParent: true });
  }
  return top.next;
}

interface LogicalKey {
  readonly service: string;
  readonly name: string;
  readonly kind: string;
}

const identityOf = (k: LogicalKey): string => `${k.service}\u0000${k.name}\u0000${k.kind}`;

/** The span's `service.name` attribute, else its resource's; '' when neither is a string (Tempo reads no default). */
function logicalKey(span: Span): LogicalKey {
  const service = stringAttribute(span.attributes, 'service.name') || stringAttribute(span.resource.attributes, 'service.name');
  return { service, name: span.name, kind: SPAN_KIND_NAMES[span.kind] ?? '' };
}

function stringAttribute(attrs: Attributes, key: string): string {
  for (const kv of attrs) if (kv.key === key) return kv.value.type === 'string' ? kv.value.value : '';
  return '';
}

function normalizeSpan(span: Span, path: number[], key: LogicalKey, parentIdentity: string, hasParent: boolean): NormalizedSpan {
  const valid = hasValidDuration(span);
  return {
    spanId: span.spanId,
    parentIdentity,
    hasParent,
    identity: identityOf(key),
    ref: { path, ...key },
    snapshot: { path, ...key, duration_nanos: valid ? span.endTimeUnixNano - span.startTimeUnixNano : 0n, status: statusName(span.status.code) },
    start: span.startTimeUnixNano,
    end: span.endTimeUnixNano,
    durationValid: valid,
    attrs: attributesMap(span.attributes),
  };
}

/** A start of 0 is unset; an end before the start or a duration past int64 is unusable. */
export function hasValidDuration(span: Span): boolean {
  const start = span.startTimeUnixNano;
  const end = span.endTimeUnixNano;
  return start > 0n && end >= start && end - start <= MAX_INT64;
}

const statusName = (code: number): string => (code === StatusCode.OK ? 'ok' : code === StatusCode.ERROR ? 'error' : code === StatusCode.UNSET ? 'unset' : '');

/** Attributes as Go's map[string]any (a repeated key keeps its last value). */
export function attributesMap(attrs: Attributes): Map<string, GoValue> {
  const out = new Map<string, GoValue>();
  for (const kv of attrs) out.set(kv.key, anyValue(kv.value));
  return out;
}

function anyValue(v: AnyValue): GoValue {
  switch (v.type) {
    case 'string':
    case 'bool':
    case 'int':
    case 'double':
    case 'bytes':
      return v.value;
    case 'array':
      return v.value.map(anyValue);
    case 'kvlist':
      return new GoMap(attributesMap(v.value));
    case 'empty':
      return null;
  }
}

function bySpanOrder(a: Span, b: Span): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0; // hex of the same length: the order of the bytes
}

const sideLabel = (side: string): string => (side === '' ? 'trace' : `${side} trace`);

// Long numeric tokens or long hex/UUID-like tokens (Go's \b is ASCII, as JavaScript's is).
const HIGH_CARDINALITY_TOKEN = /\b(?:[0-9]{6,}|[0-9a-f][0-9a-f-]{7,})\b/i;

function highCardinalitySpanNameWarnings(spans: readonly Span[]): Warning[] {
  for (const span of spans) {
    const key = logicalKey(span);
    if (!HIGH_CARDINALITY_TOKEN.test(key.name)) continue;
    return [
      {
        code: 'high_cardinality_span_name',
        message: `span name ${goQuote(key.name)} for service ${goQuote(key.service)} kind ${goQuote(key.kind)} appears to contain a high-cardinality token; matching uses raw span names, so equivalent operations with request-specific IDs may be reported as added/removed. Move request-specific IDs to span attributes.`,
      },
    ];
  }
  return [];
}

function invalidDurationWarnings(spans: readonly Span[], side: string): Warning[] {
  const invalid = spans.filter((s) => !hasValidDuration(s)).map(logicalKey);
  if (invalid.length === 0) return [];
  invalid.sort((a, b) => goStringCompare(a.service, b.service) || goStringCompare(a.name, b.name) || goStringCompare(a.kind, b.kind));
  const examples = invalid.slice(0, 3).map((k) => `${goQuote(k.name)} service ${goQuote(k.service)} kind ${goQuote(k.kind)}`);
  if (invalid.length > 3) examples.push(`and ${invalid.length - 3} more`);
  return [
    {
      code: 'invalid_duration',
      message: `${sideLabel(side)} has ${invalid.length} span(s) with unset or invalid duration; matched duration changes use null on the invalid side; examples: [${examples.join('; ')}]`,
    },
  ];
}

/** Go's %q for printable text: a double-quoted string with Go's escapes (close to JSON's for what spans carry). */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1').replace(/\u007f/g, '\\x7f');
}
