import { Fragment, useState } from 'react';
import { foldedStart, KEY_BREAKS, wrapSegments } from './long-text.js';

/**
 * A value that may be long (a URL, a SQL query, a stack trace): it wraps after `/ ? & , = ;` rather than inside
 * words, and past a few hundred characters or lines it is folded with a "show all" button.
 */
export function LongValue({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const start = foldedStart(text);
  const shown = open || start === undefined ? text : start;
  return (
    <>
      <Wrapped text={shown} />
      {start !== undefined && (
        <>
          {!open && '…'}
          <button type="button" className="fold" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? 'show less' : `show all ${text.length.toLocaleString('en')} characters`}
          </button>
        </>
      )}
    </>
  );
}

/** An attribute key that wraps only after the dots of its namespaces (`http.` `request.` `method_original`). */
export function AttributeKey({ name }: { name: string }) {
  return <Wrapped text={name} breakAfter={KEY_BREAKS} />;
}

function Wrapped({ text, breakAfter }: { text: string; breakAfter?: RegExp }) {
  const segments = wrapSegments(text, breakAfter);
  return (
    <>
      {segments.map((s, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {s}
        </Fragment>
      ))}
    </>
  );
}
