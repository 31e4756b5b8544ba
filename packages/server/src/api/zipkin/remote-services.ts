import type { UnixNanos } from '@clew/model';
import { serviceName as serviceOf } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import type { AttributeCatalog } from '../native/attribute-catalog.js';

/** How many of the service's newest traces are read for their remote services. */
const TRACES_READ = 50;

/**
 * `GET /api/v2/remoteServices`: the Store has no query for remote services (`peer.service` of a service's spans),
 * so they are gathered from two places: the values of `peer.service` the attribute catalog has seen with this
 * service (learned at ingest), and the `peer.service` of the service's spans in its newest traces of the lookback.
 */
export async function remoteServices(store: SpanReader, catalog: AttributeCatalog, service: string, now: UnixNanos, lookbackMs: bigint): Promise<string[]> {
  const names = new Set(catalog.valuesOf('peer.service', service));
  const result = await store.findTraces({ service, start: (now - lookbackMs * 1_000_000n) as UnixNanos, end: now, limit: TRACES_READ });
  const traces = await Promise.all(result.traces.map((t) => store.getTrace(t.traceId)));
  for (const spans of traces) {
    for (const span of spans) {
      if (serviceOf(span.resource) !== service) continue;
      for (const kv of span.attributes) if (kv.key === 'peer.service' && kv.value.type === 'string' && kv.value.value !== '') names.add(kv.value.value);
    }
  }
  return [...names].sort();
}
