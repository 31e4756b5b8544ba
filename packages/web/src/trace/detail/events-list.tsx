import type { ApiEvent } from '@clew/api';
import { formatNanos } from '../../format/duration.js';
import { AttributeTable } from './attribute-table.js';

/** The span's events with their time from the span's start. */
export function EventsList({ events, spanStartNs }: { events: readonly ApiEvent[]; spanStartNs: bigint }) {
  if (events.length === 0) return <p className="muted">none</p>;
  return (
    <ol className="events">
      {events.map((e, i) => (
        <li key={i}>
          <div>
            <strong>{e.name}</strong> <span className="muted">at +{formatNanos(Number(BigInt(e.timeUnixNano) - spanStartNs))}</span>
          </div>
          <AttributeTable attributes={e.attributes} label={`Attributes of event ${e.name}`} />
        </li>
      ))}
    </ol>
  );
}
