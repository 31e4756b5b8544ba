import { credentialHeaders, storedToken } from './credentials.js';

/** Told when the API answered 401 to a request made with `tokenUsed` (null: none). */
export type UnauthenticatedListener = (tokenUsed: string | null) => void;

const listeners = new Set<UnauthenticatedListener>();

/** Calls `listener` on every 401 the API answers; returns the unsubscribe. The token prompt listens here. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Every request to Clew's API goes through here: it adds the credentials kept for the session (see credentials.ts)
 * and reports a 401 so the UI can ask for a token. `token` checks a token not kept yet: its 401 is the caller's
 * to handle and is not reported.
 * @example const res = await apiFetch(ROUTES.services, { headers: { accept: 'application/json' } });
 */
export async function apiFetch(url: string, init: RequestInit = {}, token?: string): Promise<Response> {
  const tokenUsed = token ?? storedToken();
  const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...credentialHeaders(token) } });
  if (res.status === 401 && token === undefined) for (const listener of [...listeners]) listener(tokenUsed);
  return res;
}
