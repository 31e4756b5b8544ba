import { useParams } from 'react-router';
import { isApiError } from '../api/api-error.js';
import { useTrace } from '../api/use-trace.js';
import { parseTraceIdInput } from '../app/trace-id.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { Notice } from '../components/notice.js';
import { TraceScreen } from './trace-screen.js';

/** `/trace/:id`: loads the trace and shows it, or says why it cannot. */
export function TracePage() {
  const { id = '' } = useParams();
  const traceId = parseTraceIdInput(id) ?? id;
  const trace = useTrace(traceId);

  if (trace.isError) {
    if (isApiError(trace.error) && trace.error.notFound) {
      return (
        <Notice title="Trace not found" tone="error">
          <p>
            No trace with id <code>{traceId}</code> is stored. It may not have arrived yet (spans reach the store a moment
            after they are acknowledged), it may be past the retention period, or the id may be mistyped.
          </p>
        </Notice>
      );
    }
    return <ApiErrorNotice error={trace.error} what={`trace ${traceId}`} />;
  }
  if (!trace.data) return <p className="muted loading">Loading trace {traceId}…</p>;
  return <TraceScreen key={traceId} outline={trace.data} />;
}
