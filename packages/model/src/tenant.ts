/**
 * Whose data a span, a metric row or a stored document is. Without auth everything belongs to DEFAULT_TENANT; with
 * auth a token names its tenant (or an admin token picks one with `X-Scope-OrgID`, as Tempo and Grafana send it).
 */
export type Tenant = string;

/** The one tenant of a Clew without auth, and of data written before tenants existed. */
export const DEFAULT_TENANT: Tenant = 'default';

/** Letters, digits and `_ . -`, 1 to 64 of them: safe in a header, a path segment, a file name and a SQL literal. */
const TENANT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function isValidTenant(name: string): name is Tenant {
  return TENANT_NAME.test(name) && name !== '.' && name !== '..';
}
