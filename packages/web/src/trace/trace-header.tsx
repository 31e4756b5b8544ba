import { traceOtlpPath } from '@clew/api';
import { formatNanos } from '../format/duration.js';
import { serviceColor } from '../format/service-colors.js';
import { formatTimestamp } from '../format/time.js';
import { CopyButton } from './detail/copy-button.js';
import type { TraceView } from './trace-view.js';

/** The trace at a glance: root operation, when, how long, how big, which services, and the raw download. */
export function TraceHeader({ view }: { view: TraceView }) {
  const root = view.order.length > 0 ? view.order[0]! : -1;
  const rootSpan = root >= 0 ? view.timed[root] : undefined;
  const id = view.outline.traceId;
  return (
    <header className="trace-header">
      <h2>
        {rootSpan && <span className="swatch" style={{ background: serviceColor(view.serviceNames[view.service[root]!]!) }} />}
        {rootSpan ? `${view.serviceNames[view.service[root]!]}: ${rootSpan.name}` : 'Empty trace'}
      </h2>
      <div className="trace-facts">
        <span>
          <code>{id}</code> <CopyButton text={id} label="trace id" />
        </span>
        <span>Started {formatTimestamp(Number(view.startNs / 1_000_000n))}</span>
        <span>Duration <strong>{formatNanos(view.durationNs)}</strong></span>
        <span><strong>{view.timed.length}</strong> spans</span>
        <span><strong>{view.serviceNames.length}</strong> services</span>
        <span>Depth <strong>{view.maxDepth + 1}</strong></span>
        {view.errorCount > 0 && <span className="badge error">{view.errorCount} errors</span>}
        <a href={traceOtlpPath(id)} download={`trace-${id}.otlp.json`} className="download">
          Download OTLP JSON
        </a>
      </div>
    </header>
  );
}
