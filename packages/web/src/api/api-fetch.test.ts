import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiFetch, onUnauthenticated } from './api-fetch.js';
import { forgetToken, storeTenant, storeToken } from './credentials.js';
import { fetchJson, sendJson } from './fetch-json.js';

/** sessionStorage as the browser has it, for Node. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
    items,
  };
}

const UNAUTHENTICATED = { error: { code: 'UNAUTHENTICATED', message: 'this request carries no token; send Authorization: Bearer <token>' } };

let storage: ReturnType<typeof memoryStorage>;
let sent: Array<{ url: string; headers: Record<string, string> }>;
let answer: { status: number; body: unknown };

beforeEach(() => {
  storage = memoryStorage();
  sent = [];
  answer = { status: 200, body: { services: [] } };
  vi.stubGlobal('sessionStorage', storage);
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    sent.push({ url, headers: { ...(init.headers as Record<string, string>) } });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('apiFetch adds the credentials kept for the session', () => {
  it.each([
    { case: 'no token: no Authorization', token: null, tenant: null, expected: { accept: 'application/json' } },
    { case: 'a token: Bearer', token: 's3cret', tenant: null, expected: { accept: 'application/json', authorization: 'Bearer s3cret' } },
    {
      case: 'an admin who picked a tenant: X-Scope-OrgID too',
      token: 'admin-token',
      tenant: 'team-b',
      expected: { accept: 'application/json', authorization: 'Bearer admin-token', 'x-scope-orgid': 'team-b' },
    },
  ])('$case', async ({ token, tenant, expected }) => {
    if (token !== null) storeToken(token);
    if (tenant !== null) storeTenant(tenant);
    await fetchJson('/api/clew/v1/services');
    expect(sent).toEqual([{ url: '/api/clew/v1/services', headers: expected }]);
  });

  it('sends them with writes as well as reads', async () => {
    storeToken('s3cret');
    await sendJson('POST', '/api/clew/v1/slos', { id: 'x' });
    expect(sent[0]!.headers).toMatchObject({ authorization: 'Bearer s3cret', 'content-type': 'application/json' });
  });

  it('keeps the token in sessionStorage only, and signing out forgets it and the tenant', () => {
    storeToken('s3cret');
    storeTenant('team-b');
    expect([...storage.items.keys()].sort()).toEqual(['clew.tenant', 'clew.token']);
    forgetToken();
    expect(storage.items.size).toBe(0);
  });

  it('keeping a new token forgets the tenant picked with the old one', () => {
    storeToken('admin-token');
    storeTenant('team-b');
    storeToken('other-token');
    expect(storage.items.get('clew.tenant')).toBeUndefined();
  });

  it('checks a token not kept yet with that token alone, and keeps nothing', async () => {
    storeToken('old');
    storeTenant('team-b');
    await fetchJson('/api/clew/v1/session', undefined, 'candidate');
    expect(sent[0]!.headers).toEqual({ accept: 'application/json', authorization: 'Bearer candidate' });
    expect(storage.items.get('clew.token')).toBe('old');
  });

  it('works where sessionStorage is refused (no token, no crash)', async () => {
    vi.stubGlobal('sessionStorage', {
      getItem: () => {
        throw new Error('SecurityError');
      },
    });
    await fetchJson('/api/clew/v1/services');
    expect(sent[0]!.headers).toEqual({ accept: 'application/json' });
  });
});

describe('apiFetch reports a 401', () => {
  it('with the token the request was made with', async () => {
    const seen: Array<string | null> = [];
    const stop = onUnauthenticated((t) => seen.push(t));
    answer = { status: 401, body: UNAUTHENTICATED };
    await expect(fetchJson('/api/clew/v1/services')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    storeToken('revoked');
    await apiFetch('/api/clew/v1/services');
    stop();
    await apiFetch('/api/clew/v1/services');
    expect(seen).toEqual([null, 'revoked']);
  });

  it('but not a 403, nor the 401 to a token being checked', async () => {
    const seen: Array<string | null> = [];
    const stop = onUnauthenticated((t) => seen.push(t));
    answer = { status: 403, body: { error: { code: 'FORBIDDEN', message: 'this token may not read' } } };
    await expect(fetchJson('/api/clew/v1/services')).rejects.toMatchObject({ status: 403, message: 'this token may not read' });
    answer = { status: 401, body: UNAUTHENTICATED };
    await expect(fetchJson('/api/clew/v1/session', undefined, 'wrong')).rejects.toMatchObject({ status: 401 });
    stop();
    expect(seen).toEqual([]);
  });
});
