import { useState } from 'react';
import { useUnarchiveTrace } from '../api/use-archive.js';

/**
 * "Un-archive", asked twice, as deleting an SLO is: an un-archived trace goes when retention drops its day, and its
 * note with it. "Keep it" or Escape steps back (and has the focus, so that a second Enter does not un-archive). A
 * failure is said beside the button, where the eye is.
 */
export function UnarchiveButton({ traceId }: { traceId: string }) {
  const unarchive = useUnarchiveTrace();
  const [confirming, setConfirming] = useState(false);
  const error = unarchive.error && (
    <span className="error-text small" role="alert">
      {unarchive.error.message}
    </span>
  );
  if (!confirming) {
    return (
      <>
        <button
          type="button"
          onClick={() => {
            unarchive.reset();
            setConfirming(true);
          }}
        >
          Un-archive
        </button>
        {error}
      </>
    );
  }
  return (
    <span
      className="unarchive-confirm"
      role="group"
      aria-label="Un-archive this trace?"
      onKeyDown={(e) => {
        if (e.key === 'Escape') setConfirming(false);
      }}
    >
      <span className="muted small">Retention may then drop it, note and all.</span>
      <button type="button" className="danger" disabled={unarchive.isPending} onClick={() => unarchive.mutate(traceId, { onError: () => setConfirming(false) })}>
        Un-archive
      </button>
      <button type="button" autoFocus onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </span>
  );
}
