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
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Notice title={`Could not load ${what}`} tone="error">
      <p>{message}</p>
    </Notice>
  );
}
