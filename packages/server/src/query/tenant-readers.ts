import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { MetricsReader, MetricsStore, SpanReader, Store } from '@clew/storage';

/**
 * The reads of one tenant's spans: what every query route asks instead of the store, so that no answer holds another
 * tenant's spans. A Store is itself DEFAULT_TENANT's reader (a Clew without auth), so that tenant reads it directly.
 * @example const spans = spanReaderFor(store, request.tenant); await spans.services();
 */
export function spanReaderFor(store: Store, tenant: Tenant): SpanReader {
  return tenant === DEFAULT_TENANT ? store : store.forTenant(tenant);
}

/** The reads of one tenant's metrics rollups and documents (SLOs, alert states), as spanReaderFor for spans. */
export function metricsReaderFor(store: MetricsStore, tenant: Tenant): MetricsReader {
  return tenant === DEFAULT_TENANT ? store : store.forTenant(tenant);
}
