import { useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { submitToken } from './auth-actions.js';
import { promptStore } from './prompt-store.js';
import './auth.css';

/**
 * The modal that asks for an access token when the API answers 401. A native `<dialog>` opened with showModal():
 * the page behind is inert, focus starts in the field and stays in the dialog. Escape does not close it, since
 * nothing behind it can load without a token (and where the browser closes it anyway, it opens again).
 */
export function TokenPrompt() {
  const state = useSyncExternalStore(promptStore.subscribe, promptStore.getState);
  const queries = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [token, setToken] = useState('');
  const ids = { title: useId(), field: useId(), error: useId() };
  const open = state.kind === 'open';
  const error = state.kind === 'open' ? state.error : undefined;
  const checking = state.kind === 'open' && state.checking;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
    if (!open) setToken('');
  }, [open]);
  // After a refusal, the field is focused and selected so the next try replaces what was refused.
  useEffect(() => {
    if (error !== undefined) input.current?.select();
  }, [error]);

  // Chromium lets a second Escape close a modal whose cancel was prevented; while a token is still needed, reopen.
  const reopen = () => {
    if (promptStore.getState().kind === 'open') dialog.current?.showModal();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submitToken(promptStore, queries, token);
  };
  return (
    <dialog ref={dialog} className="token-prompt" aria-labelledby={ids.title} onCancel={(e) => e.preventDefault()} onClose={reopen}>
      <form onSubmit={onSubmit} noValidate>
        <h2 id={ids.title}>Sign in to Clew</h2>
        <p className="muted">This Clew asks for an access token. It is kept only for this browser tab and forgotten when the tab closes.</p>
        <label htmlFor={ids.field}>Access token</label>
        <input
          ref={input}
          id={ids.field}
          type="password"
          name="token"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error !== undefined ? ids.error : undefined}
          disabled={checking}
        />
        {error !== undefined && (
          <p id={ids.error} className="token-error" role="alert">
            {error}
          </p>
        )}
        <div className="token-actions">
          <button type="submit" className="primary" disabled={checking}>
            {checking ? 'Checking…' : 'Sign in'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
