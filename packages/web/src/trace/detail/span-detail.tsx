import type { ReactNode } from 'react';
import { formatNanos } from '../../format/duration.js';
import { serviceColor } from '../../format/service-colors.js';
import type { TraceView } from '../trace-view.js';
import { AttributeTable } from './attribute-table.js';
import { CopyButton } from './copy-button.js';
import { EventsList } from './events-list.js';
import { LinksList } from './links-list.js';

/** Everything about one span: timing, status, typed attributes, events, links, resource, scope and ids. */
export function SpanDetail({ view, span, onClose }: { view: TraceView; span: number; onClose(): void }) {
  const s = view.trace.spans[span]!;
  const resource = view.trace.resources[s.resource]!;
  const scope = view.trace.scopes[s.scope]!;
  const service = view.serviceNames[view.service[span]!]!;
  const parent = view.parent[span]!;

  return (
    <aside className="span-detail" aria-label="Span detail" data-testid="span-detail">
      <header>
        <h3>
          <span className="swatch" style={{ background: serviceColor(service) }} />
          {s.name}
        </h3>
        <button type="button" onClick={onClose} aria-label="Close span detail">×</button>
      </header>
      <dl className="facts">
        <Fact term="Service">{service}</Fact>
        <Fact term="Kind">{s.kind}</Fact>
        <Fact term="Status">
          <span className={s.status.code === 'error' ? 'error-text' : undefined}>{s.status.code}</span>
          {s.status.message && <span className="status-message"> — {s.status.message}</span>}
        </Fact>
        <Fact term="Start">+{formatNanos(view.offset[span]!)}</Fact>
        <Fact term="Duration">{formatNanos(view.duration[span]!)}</Fact>
        <Fact term="Self time">{formatNanos(view.selfTime[span]!)}</Fact>
        <Fact term="Critical path">{view.onCritical[span] ? 'on it' : 'off it'}</Fact>
        <Fact term="Span id">
          <code>{s.spanId}</code> <CopyButton text={s.spanId} label="span id" />
        </Fact>
        <Fact term="Parent id">{s.parentSpanId ? <><code>{s.parentSpanId}</code>{parent < 0 && <span className="muted"> (not in trace)</span>}</> : <span className="muted">root</span>}</Fact>
        <Fact term="Trace id">
          <code>{view.trace.traceId}</code> <CopyButton text={view.trace.traceId} label="trace id" />
        </Fact>
      </dl>
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
    </aside>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
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
