import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchJson } from '../api/fetch-json.js';
import { storedTenant, storedToken, storeTenant, storeToken } from '../api/credentials.js';
import { pickTenant, signOut, submitToken } from './auth-actions.js';
import { createPromptStore } from './prompt-store.js';

/*
 * The 401 → prompt → token → refetch loop, with the API faked at fetch(): it knows one read token, one write token
 * (which may not read) and answers 401 to anything else.
 */
const SESSION = { auth: true, tenant: 'team-a', scope: 'read', tenants: ['team-a'] };

function fakeApi(url: string, init: RequestInit = {}): Response {
  const auth = (init.headers as Record<string, string> | undefined)?.authorization;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  if (auth === 'Bearer read-token') return json(200, url.endsWith('/session') ? SESSION : { services: ['checkout'] });
  if (auth === 'Bearer write-token') return json(403, { error: { code: 'FORBIDDEN', message: 'this token may not read' } });
  return json(401, { error: { code: 'UNAUTHENTICATED', message: 'send Authorization: Bearer <token>' } });
}

let store: ReturnType<typeof createPromptStore>;
const queries = { resetQueries: vi.fn(async () => {}), setQueryData: vi.fn() };

beforeEach(() => {
  const items = new Map<string, string>();
  vi.stubGlobal('sessionStorage', { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => items.set(k, v), removeItem: (k: string) => items.delete(k) });
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => fakeApi(url, init));
  store = createPromptStore();
  queries.resetQueries.mockClear();
  queries.setQueryData.mockClear();
});
afterEach(() => {
  store.stop();
  vi.unstubAllGlobals();
});

describe('the token prompt', () => {
  it('opens on the first 401 from any request', async () => {
    const changes = vi.fn();
    store.subscribe(changes);
    await expect(fetchJson('/api/clew/v1/services')).rejects.toMatchObject({ status: 401 });
    await expect(fetchJson('/api/clew/v1/operations')).rejects.toMatchObject({ status: 401 });
    expect(store.getState()).toEqual({ kind: 'open', checking: false });
    expect(changes).toHaveBeenCalledTimes(1);
  });

  it('keeps a wrong token out of storage and says it was refused', async () => {
    await fetchJson('/api/clew/v1/services').catch(() => {});
    await submitToken(store, queries, 'wrong-token');
    expect(store.getState()).toMatchObject({ kind: 'open', checking: false, error: expect.stringContaining('does not know this token') });
    expect(storedToken()).toBeNull();
    expect(queries.resetQueries).not.toHaveBeenCalled();
  });

  it('shows the 403 message for a token that may not read', async () => {
    await submitToken(store, queries, 'write-token');
    expect(store.getState()).toMatchObject({ kind: 'open', error: expect.stringContaining('this token may not read') });
    expect(storedToken()).toBeNull();
  });

  it('refuses text that cannot be a token without asking Clew', async () => {
    const fetchSpy = vi.fn(fakeApi);
    vi.stubGlobal('fetch', fetchSpy);
    await submitToken(store, queries, 'has a space');
    expect(store.getState()).toMatchObject({ kind: 'open', error: expect.stringContaining('no spaces') });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('keeps an accepted token (trimmed), closes, seeds the session and reads every other query again', async () => {
    await fetchJson('/api/clew/v1/services').catch(() => {});
    await submitToken(store, queries, '  read-token\n');
    expect(storedToken()).toBe('read-token');
    expect(store.getState()).toEqual({ kind: 'closed' });
    expect(queries.setQueryData).toHaveBeenCalledWith(['session'], SESSION);
    expect(queries.resetQueries).toHaveBeenCalledTimes(1);
    await expect(fetchJson('/api/clew/v1/services')).resolves.toEqual({ services: ['checkout'] });
  });

  it('ignores a late 401 to a request sent before the token was kept', async () => {
    let release!: () => void;
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (url.endsWith('/slow')) await new Promise<void>((r) => (release = r));
      return fakeApi(url, init);
    });
    const slow = fetchJson('/api/clew/v1/slow').catch(() => {});
    await submitToken(store, queries, 'read-token');
    release();
    await slow;
    expect(store.getState()).toEqual({ kind: 'closed' });
  });

  it('opens again, saying so, when the kept token stops working', async () => {
    storeToken('revoked-token');
    await fetchJson('/api/clew/v1/services').catch(() => {});
    expect(store.getState()).toMatchObject({ kind: 'open', error: expect.stringContaining('no longer accepts') });
  });

  it('sign out forgets the token, opens the prompt and drops what was read', async () => {
    storeToken('read-token');
    storeTenant('team-a');
    await signOut(store, queries);
    expect([storedToken(), storedTenant()]).toEqual([null, null]);
    expect(store.getState()).toEqual({ kind: 'open', checking: false });
    expect(queries.resetQueries).toHaveBeenCalledTimes(1);
  });

  it('picking a tenant keeps it and reads every query again', async () => {
    storeToken('admin-token');
    await pickTenant(queries, 'team-b');
    expect(storedTenant()).toBe('team-b');
    expect(queries.resetQueries).toHaveBeenCalledTimes(1);
  });
});
