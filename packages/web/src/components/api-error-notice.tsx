import { isApiError } from '../api/api-error.js';
import { Notice } from './notice.js';

/** What went wrong talking to the API, said so a user knows what to do next. */
export function ApiErrorNotice({ error, what }: { error: unknown; what: string }) {
  if (isApiError(error) && error.kind === 'unreachable') {
    return (
      <Notice title="Clew's API is unreachable" tone="error">
        <p>The browser could not reach Clew while loading {what}. Is <code>clew serve</code> still running?</p>
        <p className="muted">Start it with <code>npx clew serve</code> and reload this page.</p>
      </Notice>
    );
  }
  // The token prompt is up for a 401; the page behind it says why it is empty rather than showing an error.
  if (isApiError(error) && error.status === 401) {
    return (
      <Notice title={`Sign in to see ${what}`}>
        <p>This Clew asks for an access token. Enter it in the sign-in dialog.</p>
      </Notice>
    );
  }
  if (isApiError(error) && error.status === 403) {
    return (
      <Notice title={`This token may not read ${what}`} tone="error">
        <p>{error.message}</p>
        <p className="muted">Sign out (top right) to use another token.</p>
      </Notice>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Notice title={`Could not load ${what}`} tone="error">
      <p>{message}</p>
    </Notice>
  );
}
