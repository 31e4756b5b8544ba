import type { SpanId } from '@clew/model';
import { SpanKind } from '@clew/model';
import type { WorkingResource, WorkingSpan } from './working-trace.js';

/**
 * Jaeger's DeduplicateClientServerSpanIDs adjuster: Zipkin-style clients reuse one span id for the client and the
 * server side of a call, and Jaeger UI needs unique ids. Each server span sharing its id with a client span gets the
 * smallest unused id above the last one given, becomes the child of the shared id, and its children follow it.
 */
export function deduplicateClientServerSpanIds(trace: readonly WorkingResource[]): void {
  const spans = allSpans(trace);
  const hasClient = new Map<string, boolean>();
  for (const s of spans) hasClient.set(s.spanId, (hasClient.get(s.spanId) ?? false) || s.kind === SpanKind.CLIENT);
  let maxUsed = 0n;
  const oldToNew = new Map<string, SpanId>();
  for (const s of spans) {
    if (s.kind !== SpanKind.SERVER || !hasClient.get(s.spanId)) continue;
    let id = maxUsed + 1n;
    while (id < 1n << 64n && hasClient.has(hex16(id))) id++;
    if (id >= 1n << 64n) {
      s.warnings.push('cannot assign unique span ID, too many spans in the trace');
      continue;
    }
    maxUsed = id;
    oldToNew.set(s.spanId, hex16(id));
    s.parentSpanId = s.spanId;
    s.spanId = hex16(id);
  }
  for (const s of spans) {
    const moved = s.parentSpanId === null ? undefined : oldToNew.get(s.parentSpanId);
    if (moved !== undefined && s.spanId !== moved) s.parentSpanId = moved;
  }
}

export function allSpans(trace: readonly WorkingResource[]): WorkingSpan[] {
  return trace.flatMap((r) => r.scopes.flatMap((sc) => sc.spans));
}

function hex16(v: bigint): SpanId {
  return v.toString(16).padStart(16, '0') as SpanId;
}
