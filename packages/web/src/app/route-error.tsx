import { useRouteError } from 'react-router';
import { Notice } from '../components/notice.js';

/**
 * A page that could not be shown, inside the layout (the top bar stays): most often its code could not be loaded,
 * each page being loaded on its first visit, because Clew stopped or was upgraded since this tab opened it.
 */
export function RouteError() {
  const error = useRouteError();
  const message = error instanceof Error ? error.message : String(error);
  // Chromium, Firefox and Safari word a failed dynamic import differently; each names the module it could not fetch.
  const unloaded = /dynamically imported module|module script|importing a module script/i.test(message);
  return (
    <Notice title={unloaded ? 'This page could not be loaded' : 'This page failed'} tone="error">
      {unloaded ? (
        <>
          <p>The browser could not fetch this page from Clew. Is <code>clew serve</code> still running?</p>
          <p className="muted">Once it answers, reload (a Clew upgraded since this tab opened needs a reload too).</p>
        </>
      ) : (
        <p>{message}</p>
      )}
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </p>
    </Notice>
  );
}
