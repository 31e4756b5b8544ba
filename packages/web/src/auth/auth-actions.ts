import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/api-error.js';
import { forgetToken, storeTenant, storeToken } from '../api/credentials.js';
import { checkToken, SESSION_QUERY_KEY } from '../api/use-session.js';
import type { PromptStore } from './prompt-store.js';
import { tokenProblem } from './prompt-state.js';

/** What the actions need of TanStack Query's client. */
type Queries = Pick<QueryClient, 'resetQueries' | 'setQueryData'>;

/**
 * Checks the entered token with `GET session`; a token Clew accepts is kept for the session and every query is read
 * again with it (reset, so nothing read without it stays on screen). A refused one is not kept: the prompt says why.
 */
export async function submitToken(store: PromptStore, queries: Queries, entered: string): Promise<void> {
  const token = entered.trim();
  const problem = tokenProblem(token);
  if (problem !== undefined) return store.dispatch({ type: 'invalid', message: problem });
  store.dispatch({ type: 'submitted' });
  try {
    const session = await checkToken(token);
    storeToken(token);
    queries.setQueryData(SESSION_QUERY_KEY, session);
    store.dispatch({ type: 'accepted' });
    await queries.resetQueries({ predicate: (q) => q.queryKey[0] !== SESSION_QUERY_KEY[0] });
  } catch (e) {
    if (!isApiError(e)) throw e;
    store.dispatch({ type: 'refused', status: e.kind === 'unreachable' ? 0 : e.status, message: e.message });
  }
}

/** Forgets the token; what it read is dropped from the screen and the prompt asks for another. */
export async function signOut(store: PromptStore, queries: Queries): Promise<void> {
  forgetToken();
  store.dispatch({ type: 'signed-out' });
  await queries.resetQueries();
}

/** An admin reads `tenant` from now on (`X-Scope-OrgID`); every query is read again for it. */
export async function pickTenant(queries: Queries, tenant: string): Promise<void> {
  storeTenant(tenant);
  await queries.resetQueries();
}
