import { onUnauthenticated } from '../api/api-fetch.js';
import { storedToken } from '../api/credentials.js';
import type { PromptEvent, PromptState } from './prompt-state.js';
import { CLOSED, promptReducer } from './prompt-state.js';

/** The token prompt's state, held outside React so the fetch layer can open it from any request. */
export interface PromptStore {
  getState(): PromptState;
  dispatch(event: PromptEvent): void;
  subscribe(listener: () => void): () => void;
}

/** A store that opens the prompt on every 401 the API answers to the token kept now; `stop` detaches it. */
export function createPromptStore(): PromptStore & { stop(): void } {
  let state: PromptState = CLOSED;
  const listeners = new Set<() => void>();
  const dispatch = (event: PromptEvent) => {
    const next = promptReducer(state, event);
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  };
  const stop = onUnauthenticated((tokenUsed) => dispatch({ type: 'unauthenticated', tokenUsed, tokenNow: storedToken() }));
  return {
    getState: () => state,
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop,
  };
}

/** The one prompt store of the running UI. */
export const promptStore = createPromptStore();
