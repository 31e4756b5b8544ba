import type { Tenant } from '@clew/model';
import type { MetricsBatch } from '@clew/storage';

/**
 * Rollups are keyed by service name; the consumer keys them by tenant and service in one string, `tenant NUL
 * service`. Tenant names never hold NUL (isValidTenant), so the first NUL is the boundary whatever a service name
 * holds: a span cannot name its way into another tenant.
 */
const SEP = '\u0000';

export const tenantKey = (tenant: Tenant, service: string): string => `${tenant}${SEP}${service}`;

export function splitTenantKey(key: string): { tenant: Tenant; name: string } {
  const at = key.indexOf(SEP);
  return { tenant: key.slice(0, at), name: key.slice(at + 1) };
}

/** Rows keyed by tenantKey, as the store takes them: the tenant in its own field, the service (or edge ends) plain. */
export function withTenants(batch: MetricsBatch): MetricsBatch {
  return {
    spans: batch.spans.map((r) => {
      const { tenant, name } = splitTenantKey(r.service);
      return { ...r, tenant, service: name };
    }),
    errors: batch.errors.map((r) => {
      const { tenant, name } = splitTenantKey(r.service);
      return { ...r, tenant, service: name };
    }),
    edges: batch.edges.map((r) => {
      const client = splitTenantKey(r.client);
      return { ...r, tenant: client.tenant, client: client.name, server: splitTenantKey(r.server).name };
    }),
  };
}
