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

/** Keys up to this long stay on one line; longer ones may wrap after the dots of their namespaces. */
const KEY_WRAP_CHARS = 24;

/** An attribute key: whole on one line, or, when long, wrapping only after its dots (`http.request.` `header.x-forwarded-for`). */
export function AttributeKey({ name }: { name: string }) {
  if (name.length <= KEY_WRAP_CHARS) return name;
  return (
    <span className="long-key">
      <Wrapped text={name} breakAfter={KEY_BREAKS} />
    </span>
  );
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
