import { traceOtlpPath } from '@clew/api';
import { useState } from 'react';
import { downloadWithCredentials } from '../api/download.js';
import { ArchiveAction } from '../archive/archive-action.js';
import { displayTraceId } from '../app/trace-id.js';
import { formatNanos } from '../format/duration.js';
import { serviceColor } from '../format/service-colors.js';
import { formatTimestampWithZone } from '../format/time.js';
import { CopyButton } from './detail/copy-button.js';
import type { TraceView } from './trace-view.js';

/** "service: name" of the trace's root span, or undefined for a trace without spans. */
export function rootLabel(view: TraceView): string | undefined {
  const root = view.order[0];
  return root === undefined ? undefined : `${view.serviceNames[view.service[root]!]}: ${view.timed[root]!.name}`;
}

/**
 * The trace at a glance: root operation, when, how long, how big, which services, and the raw download. The error
 * count is a button that jumps to the (next) error span.
 */
export function TraceHeader({ view, onErrors }: { view: TraceView; onErrors(): void }) {
  const root = view.order[0];
  const id = view.outline.traceId;
  const shown = displayTraceId(id);
  const [downloadError, setDownloadError] = useState<string>();
  const fileName = `trace-${id}.otlp.json`;
  return (
    <header className="trace-header">
      <h2>
        {root !== undefined && <span className="swatch" style={{ background: serviceColor(view.serviceNames[view.service[root]!]!) }} />}
        {rootLabel(view) ?? 'Empty trace'}
      </h2>
      <div className="trace-facts">
        <span>
          <code data-testid="trace-id">{shown}</code> <CopyButton text={shown} label="trace id" />
        </span>
        <span>Started {formatTimestampWithZone(Number(view.startNs / 1_000_000n))}</span>
        <span>Duration <strong>{formatNanos(view.durationNs)}</strong></span>
        <span><strong>{view.timed.length}</strong> spans</span>
        <span><strong>{view.serviceNames.length}</strong> services</span>
        <span>Depth <strong>{view.maxDepth + 1}</strong></span>
        {view.errorCount > 0 && (
          <button type="button" className="badge error" onClick={onErrors} title="Go to the first error span; press again for the next">
            {view.errorCount} {view.errorCount === 1 ? 'error' : 'errors'}
          </button>
        )}
        <a
          href={traceOtlpPath(id)}
          download={fileName}
          className="download"
          onClick={(e) => {
            setDownloadError(undefined);
            if (downloadWithCredentials(traceOtlpPath(id), fileName, setDownloadError)) e.preventDefault();
          }}
        >
          Download OTLP JSON
        </a>
        {downloadError !== undefined && (
          <span className="error-text" role="alert">
            {downloadError}
          </span>
        )}
      </div>
      <ArchiveAction traceId={id} />
    </header>
  );
}
