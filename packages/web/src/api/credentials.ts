/**
 * The token the user entered and the tenant an admin picked, kept in sessionStorage: they last as long as the
 * browser tab, are never written to localStorage (a token outliving the session is a token left on a shared machine)
 * and never put in a URL (URLs end up in history, logs and Referer headers).
 */
const TOKEN_KEY = 'clew.token';
const TENANT_KEY = 'clew.tenant';

/** The slice of the Web Storage API used here; typed locally so this also compiles for the Node-run unit tests. */
interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** sessionStorage, or undefined where there is none or the browser refuses it (storage disabled by policy). */
function storage(): KeyValueStorage | undefined {
  try {
    return (globalThis as { sessionStorage?: KeyValueStorage }).sessionStorage;
  } catch {
    return undefined;
  }
}

function read(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch {
    // Storage refused (quota, policy): the token then lasts until the next request fails with 401 and asks again.
  }
}

export function storedToken(): string | null {
  return read(TOKEN_KEY);
}

/** Keeps `token` for this browser session and forgets any tenant picked with the previous one. */
export function storeToken(token: string): void {
  write(TOKEN_KEY, token);
  write(TENANT_KEY, null);
}

/** Signs out: forgets the token and the tenant picked with it. */
export function forgetToken(): void {
  write(TOKEN_KEY, null);
  write(TENANT_KEY, null);
}

export function storedTenant(): string | null {
  return read(TENANT_KEY);
}

/** The tenant an admin token reads (sent as `X-Scope-OrgID`); null goes back to the token's own tenant. */
export function storeTenant(tenant: string | null): void {
  write(TENANT_KEY, tenant);
}

/**
 * The headers that say who is asking: `Authorization: Bearer …` when a token is kept, `X-Scope-OrgID` when an admin
 * picked a tenant. `token` overrides the kept one (to check a token before keeping it; no tenant is sent then).
 */
export function credentialHeaders(token?: string): Record<string, string> {
  const bearer = token ?? storedToken();
  if (bearer === null || bearer === '') return {};
  const tenant = token === undefined ? storedTenant() : null;
  return { authorization: `Bearer ${bearer}`, ...(tenant !== null && tenant !== '' && { 'x-scope-orgid': tenant }) };
}
