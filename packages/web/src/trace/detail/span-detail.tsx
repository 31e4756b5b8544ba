import { STATUS_CODE_NAMES } from '@clew/api';
import type { SpanKind } from '@clew/model';
import { SPAN_KIND_NAMES } from '@clew/model';
import type { ReactNode } from 'react';
import { useSpanDetail } from '../../api/use-trace.js';
import { displayTraceId } from '../../app/trace-id.js';
import { ApiErrorNotice } from '../../components/api-error-notice.js';
import { formatNanos } from '../../format/duration.js';
import { serviceColor } from '../../format/service-colors.js';
import type { TraceView } from '../trace-view.js';
import { CopyButton } from './copy-button.js';
import { SpanAttributes } from './span-attributes.js';

/**
 * Everything about one span: timing, status and ids from the outline at once; typed attributes, events, links,
 * resource and scope once the span's details arrive.
 */
export function SpanDetail({ view, span, onClose }: { view: TraceView; span: number; onClose(): void }) {
  const s = view.timed[span]!;
  const traceId = view.outline.traceId;
  const detail = useSpanDetail(traceId, s.spanId);
  const full = detail.data?.spans[0];
  const status = STATUS_CODE_NAMES[view.outline.status[span]!] ?? 'unset';
  const parent = view.parent[span]!;

  return (
    <aside className="span-detail" aria-label="Span detail" data-testid="span-detail">
      <header>
        <h3>
          <span className="swatch" style={{ background: serviceColor(s.service) }} />
          {s.name}
        </h3>
        <button type="button" onClick={onClose} aria-label="Close span detail">×</button>
      </header>
      <dl className="facts">
        <Fact term="Service">{s.service}</Fact>
        <Fact term="Kind">{SPAN_KIND_NAMES[view.outline.kind[span] as SpanKind] ?? 'unspecified'}</Fact>
        <Fact term="Status">
          <span className={status === 'error' ? 'error-text' : undefined}>{status}</span>
          {full?.status.message && <span className="status-message"> — {full.status.message}</span>}
        </Fact>
        <Fact term="Start">+{formatNanos(view.offset[span]!)}</Fact>
        <Fact term="Duration">{formatNanos(view.duration[span]!)}</Fact>
        <Fact term="Self time">{formatNanos(view.selfTime[span]!)}</Fact>
        <Fact term="Critical path">{view.onCritical[span] ? 'on it' : 'off it'}</Fact>
        <Fact term="Span id">
          <code>{s.spanId}</code> <CopyButton text={s.spanId} label="span id" />
        </Fact>
        <Fact term="Parent id">
          {parent >= 0 ? <code>{view.timed[parent]!.spanId}</code> : full?.parentSpanId ? <><code>{full.parentSpanId}</code><span className="muted"> (not in trace)</span></> : <span className="muted">{full ? 'root' : '…'}</span>}
        </Fact>
        <Fact term="Trace id">
          <code>{displayTraceId(traceId)}</code> <CopyButton text={displayTraceId(traceId)} label="trace id" />
        </Fact>
      </dl>
      {detail.data ? (
        <SpanAttributes trace={detail.data} />
      ) : detail.isError ? (
        <ApiErrorNotice error={detail.error} what={`span ${s.spanId}`} />
      ) : (
        <p className="muted loading" data-testid="span-detail-loading">Loading attributes, events and links…</p>
      )}
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
