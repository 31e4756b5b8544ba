import type { Tenant } from '@clew/model';
import type { AttributeCatalogLimits } from './attribute-catalog.js';
import { AttributeCatalog, DEFAULT_CATALOG_LIMITS } from './attribute-catalog.js';

/**
 * One attribute catalog per tenant, each made on first use with the same limits: a tenant's autocomplete suggests
 * only keys and values of its own spans. Tenants are the configured ones (tokens name them), so the map stays small.
 * @example catalogs.for(request.tenant).keysOf(service)
 */
export class AttributeCatalogs {
  private readonly byTenant = new Map<Tenant, AttributeCatalog>();

  constructor(private readonly limits: AttributeCatalogLimits = DEFAULT_CATALOG_LIMITS) {}

  /** The tenant's catalog, made empty the first time it is asked for. */
  for(tenant: Tenant): AttributeCatalog {
    let catalog = this.byTenant.get(tenant);
    if (catalog === undefined) {
      catalog = new AttributeCatalog(this.limits);
      this.byTenant.set(tenant, catalog);
    }
    return catalog;
  }

  /** The tenants asked for so far (each has a catalog). */
  tenants(): Tenant[] {
    return [...this.byTenant.keys()];
  }
}
