/**
 * Whether the token prompt is up, and what it says. A pure reducer: auth-store.ts feeds it the API's 401s and the
 * outcome of checking an entered token; token-prompt.tsx draws it.
 *
 *   closed ──401 with the token kept now──▶ open ──submit──▶ checking ──accepted──▶ closed
 *                                            ▲                   │
 *                                            └─refused (401/403)─┘   (the error says why; the user tries again)
 */
export type PromptState =
  | { readonly kind: 'closed' }
  | { readonly kind: 'open'; readonly checking: boolean; readonly error?: string };

export type PromptEvent =
  /** The API answered 401 to a request made with `tokenUsed`; `tokenNow` is the token kept at this moment. */
  | { readonly type: 'unauthenticated'; readonly tokenUsed: string | null; readonly tokenNow: string | null }
  | { readonly type: 'submitted' }
  | { readonly type: 'accepted' }
  /** The entered token was refused: `status` 401 (unknown token), 403 (known, may not read), 0 (Clew unreachable). */
  | { readonly type: 'refused'; readonly status: number; readonly message: string }
  /** The entered text cannot be a token (empty, spaces, characters a header cannot carry). */
  | { readonly type: 'invalid'; readonly message: string }
  | { readonly type: 'signed-out' };

export const CLOSED: PromptState = { kind: 'closed' };

export function promptReducer(state: PromptState, event: PromptEvent): PromptState {
  switch (event.type) {
    case 'unauthenticated':
      // A 401 to a request sent before the current token was kept says nothing about the current token: the
      // queries are fetched again with it anyway. Only a 401 to the token kept now (or to none) asks for one.
      if (event.tokenUsed !== event.tokenNow || state.kind === 'open') return state;
      return event.tokenUsed === null
        ? { kind: 'open', checking: false }
        : { kind: 'open', checking: false, error: 'Clew no longer accepts the token this tab kept (revoked or rotated?). Enter a current one.' };
    case 'submitted':
      return { kind: 'open', checking: true };
    case 'accepted':
      return CLOSED;
    case 'refused':
      return { kind: 'open', checking: false, error: refusal(event.status, event.message) };
    case 'invalid':
      return { kind: 'open', checking: false, error: event.message };
    case 'signed-out':
      return { kind: 'open', checking: false };
  }
}

function refusal(status: number, message: string): string {
  if (status === 401) return 'Clew does not know this token. Check it was copied whole, or ask for a new one.';
  // 403: the token is real but may not read (a write-only token); the server's message says why, so it is shown as is.
  if (status === 403) return `Clew knows this token but refused it: ${message}`;
  if (status === 0) return 'Clew could not be reached to check the token. Is `clew serve` still running?';
  return `Clew could not check the token: ${message}`;
}

/** Why `text` cannot be a bearer token, or undefined when it can (printable ASCII without spaces, RFC 6750 b64token-ish). */
export function tokenProblem(text: string): string | undefined {
  if (text === '') return 'Enter the token.';
  if (!/^[\x21-\x7e]+$/.test(text)) return 'A token has no spaces and only printable ASCII characters; check what was pasted.';
  return undefined;
}
