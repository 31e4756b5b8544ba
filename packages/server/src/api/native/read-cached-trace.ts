import type { Tenant, TraceId } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import { ClewError } from '../../errors.js';
import type { CachedTrace, TraceCache } from './trace-cache.js';

/**
 * The tenant's trace, from `cache` when read within `maxAgeMs`, else its outline from `spans` (the tenant's reader;
 * then cached, the spans in full read on first use); TRACE_NOT_FOUND when the tenant has none of it. The trace
 * page's routes and the MCP tools read traces through it.
 */
export async function readCachedTrace(spans: SpanReader, tenant: Tenant, cache: TraceCache, traceId: TraceId, maxAgeMs = Infinity): Promise<CachedTrace> {
  const hit = cache.get(tenant, traceId, maxAgeMs);
  if (hit) return hit;
  const outlines = await spans.getTraceOutline(traceId);
  if (outlines.length === 0) throw new ClewError('TRACE_NOT_FOUND', `trace ${traceId} not found`);
  return cache.put(tenant, traceId, outlines, () => spans.getTrace(traceId));
}
