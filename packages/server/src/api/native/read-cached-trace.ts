import type { TraceId } from '@clew/model';
import type { Store } from '@clew/storage';
import { ClewError } from '../../errors.js';
import type { CachedTrace, TraceCache } from './trace-cache.js';

/**
 * The trace, from `cache` when read within `maxAgeMs`, else its outline from the store (then cached, the spans in
 * full read on first use); TRACE_NOT_FOUND when the store has none of it. The trace page's routes and the MCP
 * tools read traces through it.
 */
export async function readCachedTrace(store: Store, cache: TraceCache, traceId: TraceId, maxAgeMs = Infinity): Promise<CachedTrace> {
  const hit = cache.get(traceId, maxAgeMs);
  if (hit) return hit;
  const outlines = await store.getTraceOutline(traceId);
  if (outlines.length === 0) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} not found`);
  return cache.put(traceId, outlines, () => store.getTrace(traceId));
}
