import type { Attributes, KeyValue, Span } from '@clew/model';
import { deduplicateClientServerSpanIds } from './adjust-span-ids.js';
import type { WorkingResource, WorkingSpan } from './working-trace.js';
import { contentKey, groupByResource } from './working-trace.js';

/**
 * Groups a trace's spans and, unless `raw`, applies the adjusters Jaeger's query service applies before answering
 * (StandardAdjusters in jaegerquery/internal/adjuster/standard.go), in the same order. Clock-skew correction and the
 * trace size cap are left out: see the README of this folder.
 */
export function adjustTrace(spans: readonly Span[], raw = false): WorkingResource[] {
  const trace = groupByResource(spans);
  if (raw) return trace;
  deduplicateClientServerSpanIds(trace);
  sortCollections(trace);
  deduplicateSpans(trace);
  moveLibraryAttributes(trace);
  removeEmptySpanLinks(trace);
  return trace;
}

/** SortCollections: attributes by key everywhere, events by time. */
function sortCollections(trace: WorkingResource[]): void {
  for (const r of trace) {
    r.attributes = sortAttributes(r.attributes);
    for (const sc of r.scopes) {
      for (const s of sc.spans) {
        s.attributes = sortAttributes(s.attributes);
        s.events = [...s.events]
          .sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0))
          .map((e) => ({ ...e, attributes: sortAttributes(e.attributes) }));
        s.links = s.links.map((l) => ({ ...l, attributes: sortAttributes(l.attributes) }));
      }
    }
  }
}

/**
 * Sorts by key and, as pcommon.Map.PutEmpty does when the sorted copy is rebuilt, folds a repeated key into one
 * entry holding its last value.
 */
export function sortAttributes(attrs: Attributes): KeyValue[] {
  const sorted = [...attrs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: KeyValue[] = [];
  for (const kv of sorted) {
    if (out.length > 0 && out[out.length - 1]!.key === kv.key) out[out.length - 1] = kv;
    else out.push(kv);
  }
  return out;
}

/** DeduplicateSpans: drops a span identical (with its resource and scope) to one already kept. */
function deduplicateSpans(trace: WorkingResource[]): void {
  const seen = new Set<string>();
  for (const r of trace) {
    const rKey = contentKey([r.attributes, r.resource.droppedAttributesCount, r.resource.schemaUrl]);
    for (const sc of r.scopes) {
      const sKey = contentKey(sc.scope);
      sc.spans = sc.spans.filter((s) => {
        const key = rKey + sKey + contentKey(spanContent(s));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
  }
}

function spanContent(s: WorkingSpan): Omit<WorkingSpan, 'warnings'> {
  const { warnings: _w, ...content } = s;
  return content;
}

const LIBRARY_KEYS = new Set([
  'telemetry.sdk.language',
  'telemetry.sdk.name',
  'telemetry.sdk.version',
  'telemetry.distro.name',
  'telemetry.distro.version',
]);

/** MoveLibraryAttributes: SDK attributes set on spans belong to the process, where Jaeger UI shows them. */
function moveLibraryAttributes(trace: WorkingResource[]): void {
  for (const r of trace) {
    for (const sc of r.scopes) {
      for (const s of sc.spans) {
        const kept: KeyValue[] = [];
        for (const kv of s.attributes) {
          if (!LIBRARY_KEYS.has(kv.key)) {
            kept.push(kv);
            continue;
          }
          const existing = r.attributes.find((a) => a.key === kv.key);
          if (existing && !sameString(existing, kv)) {
            s.warnings.push('conflicting values between Span and Resource for attribute ' + kv.key);
            kept.push(kv);
            continue;
          }
          if (existing) r.attributes = r.attributes.map((a) => (a.key === kv.key ? kv : a));
          else r.attributes = [...r.attributes, kv];
        }
        s.attributes = kept;
      }
    }
  }
}

function sameString(a: KeyValue, b: KeyValue): boolean {
  return a.value.type === 'string' && b.value.type === 'string' && a.value.value === b.value.value;
}

const ZERO_TRACE_ID = '0'.repeat(32);

/** RemoveEmptySpanLinks: a link without a trace id points nowhere. */
function removeEmptySpanLinks(trace: WorkingResource[]): void {
  for (const r of trace) {
    for (const sc of r.scopes) {
      for (const s of sc.spans) {
        const valid = s.links.filter((l) => l.traceId !== ZERO_TRACE_ID && l.traceId !== '');
        for (let i = valid.length; i < s.links.length; i++) s.warnings.push('Invalid span link removed');
        s.links = valid;
      }
    }
  }
}
