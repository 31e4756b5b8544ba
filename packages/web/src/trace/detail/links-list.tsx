import type { ApiLink } from '@clew/api';
import { Link } from 'react-router';
import { AttributeTable } from './attribute-table.js';

/** Links to spans in other traces (or this one); each opens the linked trace. */
export function LinksList({ links }: { links: readonly ApiLink[] }) {
  if (links.length === 0) return <p className="muted">none</p>;
  return (
    <ul className="links">
      {links.map((l, i) => (
        <li key={i}>
          <Link to={`/trace/${l.traceId}?span=${l.spanId}`} className="mono">
            {l.traceId} / {l.spanId}
          </Link>
          <AttributeTable attributes={l.attributes} label="Link attributes" />
        </li>
      ))}
    </ul>
  );
}
