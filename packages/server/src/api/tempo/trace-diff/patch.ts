import type { Span } from '@clew/model';
import { GoMap, goStringCompare } from './go-json.js';
import type { GoValue } from './go-json.js';
import type { NormalizedSpan, NormalizedTrace, SpanRef, SpanSnapshot, Warning } from './normalize.js';
import { normalizeTrace } from './normalize.js';

/* Tempo's pkg/model/tracediff/diff.go and numeric.go: the trace-patch-v0 document. */

export const VERSION_TRACE_PATCH_V0 = 'trace-patch-v0';

export interface Change {
  readonly op: 'add' | 'remove' | 'modify';
  readonly target: { readonly type: 'attribute' | 'field'; readonly name?: string; readonly scope?: string; readonly key?: string };
  readonly before: GoValue;
  readonly after: GoValue;
}

export interface SpanChange {
  /** Removed: `path`; added: `parentPath` (left out at the root level, as omitempty leaves an empty slice out) and `index`. */
  readonly target: { readonly type: 'span'; readonly path?: readonly number[]; readonly parentPath?: readonly number[]; readonly index?: number };
  readonly span: SpanSnapshot;
}

export interface PatchStats {
  readonly spanCountA: number;
  readonly spanCountB: number;
  readonly matchedSpans: number;
  readonly modifiedSpans: number;
  readonly addedSpans: number;
  readonly removedSpans: number;
  readonly fieldChanges: number;
  readonly attributeChanges: number;
  readonly eventChanges: number;
  readonly truncated: boolean;
}

export interface TracePatch {
  readonly version: string;
  readonly base: { readonly traceId: string; readonly spanCount: number };
  readonly compare: { readonly traceId: string; readonly spanCount: number };
  readonly stats: PatchStats;
  readonly modified: readonly { readonly span: SpanRef; readonly changes: readonly Change[] }[];
  readonly added: readonly SpanChange[];
  readonly removed: readonly SpanChange[];
  warnings: Warning[];
}

export interface DiffInputs {
  readonly patch: TracePatch;
  readonly base: NormalizedTrace;
  readonly compare: NormalizedTrace;
}

/** diffTraceInputs: both traces normalized, matched and diffed. */
export function diffTraces(base: readonly Span[], compare: readonly Span[]): DiffInputs {
  const b = normalizeTrace(base, 'base');
  const c = normalizeTrace(compare, 'compare');
  const { matched, modified, added, removed } = computeDiff(b.trace, c.trace);
  const count = (type: string) => modified.reduce((n, m) => n + m.changes.filter((ch) => ch.target.type === type).length, 0);
  const patch: TracePatch = {
    version: VERSION_TRACE_PATCH_V0,
    base: b.trace.meta,
    compare: c.trace.meta,
    stats: {
      spanCountA: b.trace.meta.spanCount,
      spanCountB: c.trace.meta.spanCount,
      matchedSpans: matched,
      modifiedSpans: modified.length,
      addedSpans: added.length,
      removedSpans: removed.length,
      fieldChanges: count('field'),
      attributeChanges: count('attribute'),
      eventChanges: 0,
      truncated: false,
    },
    modified,
    added,
    removed,
    warnings: mergeWarnings([...b.warnings, ...c.warnings]),
  };
  return { patch, base: b.trace, compare: c.trace };
}

function computeDiff(base: NormalizedTrace, compare: NormalizedTrace) {
  const matches = matchSpans(base, compare);
  const matchedBase = new Set<string>();
  const modified: { span: SpanRef; changes: Change[] }[] = [];
  const added: SpanChange[] = [];
  const removed: SpanChange[] = [];
  for (const span of compare.spans) {
    const baseSpan = matches.get(span.spanId);
    if (!baseSpan) {
      const path = span.snapshot.path;
      const parentPath = path.slice(0, -1);
      added.push({ target: { type: 'span', ...(parentPath.length > 0 && { parentPath }), index: path.at(-1) ?? 0 }, span: span.snapshot });
      continue;
    }
    matchedBase.add(baseSpan.spanId);
    const changes = [...fieldChanges(baseSpan, span), ...attributeChanges(baseSpan, span)];
    if (changes.length > 0) modified.push({ span: span.ref, changes });
  }
  for (const span of base.spans) {
    if (matchedBase.has(span.spanId)) continue;
    removed.push({ target: { type: 'span', ...(span.snapshot.path.length > 0 && { path: span.snapshot.path }) }, span: span.snapshot });
  }
  return { matched: matchedBase.size, modified, added, removed };
}

/**
 * Which base span, if any, each compare span matches (by compare span id): the first unused base span of the same
 * identity with the same parent identity, else the first unused one of the same identity.
 */
function matchSpans(base: NormalizedTrace, compare: NormalizedTrace): Map<string, NormalizedSpan> {
  const out = new Map<string, NormalizedSpan>();
  const used = new Set<string>();
  const byIdentity = new Map<string, NormalizedSpan[]>();
  for (const s of base.spans) {
    const list = byIdentity.get(s.identity);
    if (list) list.push(s);
    else byIdentity.set(s.identity, [s]);
  }
  for (const c of compare.spans) {
    let fallback: NormalizedSpan | undefined;
    let found: NormalizedSpan | undefined;
    for (const b of byIdentity.get(c.identity) ?? []) {
      if (used.has(b.spanId)) continue;
      if (b.hasParent && c.hasParent && b.parentIdentity === c.parentIdentity) {
        found = b;
        break;
      }
      fallback ??= b;
    }
    const match = found ?? fallback;
    if (!match) continue;
    out.set(c.spanId, match);
    used.add(match.spanId);
  }
  return out;
}

/** Warnings once each: by code, or by code and message for those that name the side. */
function mergeWarnings(warnings: readonly Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = ['invalid_duration', 'zero_span_trace', 'duplicate_span_id'].includes(w.code) ? `${w.code}\u0000${w.message}` : w.code;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// numeric.go: unchanged when |a-b| <= abs + rel*max(|a|, |b|).
const DURATION_REL_TOLERANCE = 0.2;
const DURATION_ABS_TOLERANCE = 1_000_000;
const ATTR_REL_TOLERANCE = 0.05;
const ATTR_ABS_TOLERANCE = 0;

const NUMERIC_FUZZY_ATTRIBUTES = new Set([
  'http.request.body.size',
  'http.request.size',
  'http.response.body.size',
  'http.response.size',
  'http.request_content_length',
  'http.request_content_length_uncompressed',
  'http.response_content_length',
  'http.response_content_length_uncompressed',
  'messaging.message.body.size',
  'messaging.message.envelope.size',
  'message.compressed_size',
  'message.uncompressed_size',
  'rpc.message.compressed_size',
  'rpc.message.uncompressed_size',
  'file.size',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.response.time_to_first_chunk',
  'app.jank.period',
]);

function numericClose(a: number, b: number, rel: number, abs: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}

const numericValue = (v: GoValue): number | undefined => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined);

function fieldChanges(base: NormalizedSpan, compare: NormalizedSpan): Change[] {
  const changes: Change[] = [];
  const before = base.durationValid ? base.snapshot.duration_nanos : null;
  const after = compare.durationValid ? compare.snapshot.duration_nanos : null;
  const changed = before !== null && after !== null ? !numericClose(Number(before), Number(after), DURATION_REL_TOLERANCE, DURATION_ABS_TOLERANCE) : before !== after;
  if (changed) changes.push({ op: 'modify', target: { type: 'field', name: 'duration_nanos' }, before, after });
  if (base.snapshot.status !== compare.snapshot.status) {
    changes.push({ op: 'modify', target: { type: 'field', name: 'status' }, before: base.snapshot.status, after: compare.snapshot.status });
  }
  return changes;
}

function attributeChanges(base: NormalizedSpan, compare: NormalizedSpan): Change[] {
  const changes: Change[] = [];
  const keys = [...new Set([...base.attrs.keys(), ...compare.attrs.keys()])].sort(goStringCompare);
  for (const key of keys) {
    const target = { type: 'attribute', scope: 'span', key } as const;
    if (!base.attrs.has(key)) changes.push({ op: 'add', target, before: null, after: sanitize(compare.attrs.get(key)!) });
    else if (!compare.attrs.has(key)) changes.push({ op: 'remove', target, before: sanitize(base.attrs.get(key)!), after: null });
    else if (attributeChanged(key, base.attrs.get(key)!, compare.attrs.get(key)!)) {
      changes.push({ op: 'modify', target, before: sanitize(base.attrs.get(key)!), after: sanitize(compare.attrs.get(key)!) });
    }
  }
  return changes;
}

function attributeChanged(key: string, before: GoValue, after: GoValue): boolean {
  if (NUMERIC_FUZZY_ATTRIBUTES.has(key)) {
    const a = numericValue(before);
    const b = numericValue(after);
    if (a !== undefined && b !== undefined) return !numericClose(a, b, ATTR_REL_TOLERANCE, ATTR_ABS_TOLERANCE);
  }
  return !valuesEqual(before, after);
}

/** valuesEqual: int64s exactly, an int64 and a float64 as numbers, NaN equal to NaN, lists and maps deeply. */
function valuesEqual(a: GoValue, b: GoValue): boolean {
  if (a === null) return b === null;
  if (typeof a === 'string' || typeof a === 'boolean') return a === b;
  if (typeof a === 'bigint' || typeof a === 'number') {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    const x = numericValue(a);
    const y = numericValue(b);
    if (x === undefined || y === undefined) return false;
    return (Number.isNaN(x) && Number.isNaN(y)) || x === y;
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v: GoValue, i: number) => valuesEqual(v, (b as GoValue[])[i]!));
  if (a instanceof GoMap) {
    if (!(b instanceof GoMap) || a.entries.size !== b.entries.size) return false;
    for (const [k, v] of a.entries) if (!b.entries.has(k) || !valuesEqual(v, b.entries.get(k)!)) return false;
    return true;
  }
  return false;
}

/** Non-finite doubles as the strings Tempo writes for them ("NaN", "+Inf", "-Inf"), so the answer stays JSON. */
function sanitize(v: GoValue): GoValue {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (Array.isArray(v)) return v.map(sanitize);
  if (v instanceof GoMap) return new GoMap(new Map([...v.entries].map(([k, x]) => [k, sanitize(x)])));
  return v;
}
