import type { ApiTrace } from '@clew/api';
import type { ReactNode } from 'react';
import { AttributeTable } from './attribute-table.js';
import { EventsList } from './events-list.js';
import { LinksList } from './links-list.js';

/** A fetched span's attributes, events, links, resource and scope (`GET …/spans/:spanId`: a trace of one span). */
export function SpanAttributes({ trace }: { trace: ApiTrace }) {
  const s = trace.spans[0]!;
  const resource = trace.resources[s.resource]!;
  const scope = trace.scopes[s.scope]!;
  return (
    <>
      <Section title={`Attributes (${s.attributes.length})`}>
        <AttributeTable attributes={s.attributes} label="Span attributes" />
        {s.droppedAttributesCount > 0 && <p className="muted">{s.droppedAttributesCount} dropped</p>}
      </Section>
      <Section title={`Events (${s.events.length})`}>
        <EventsList events={s.events} spanStartNs={BigInt(s.startTimeUnixNano)} />
      </Section>
      <Section title={`Links (${s.links.length})`}>
        <LinksList links={s.links} />
      </Section>
      <Section title="Resource">
        <AttributeTable attributes={resource.attributes} label="Resource attributes" />
      </Section>
      <Section title="Instrumentation scope">
        <p>
          <code>{scope.name || '(unnamed)'}</code> {scope.version && <span className="muted">{scope.version}</span>}
        </p>
        {scope.attributes.length > 0 && <AttributeTable attributes={scope.attributes} label="Scope attributes" />}
      </Section>
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details open className="detail-section">
      <summary>{title}</summary>
      {children}
    </details>
  );
}
