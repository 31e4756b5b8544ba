import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCriticalPath } from '../api/use-critical-path.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { formatNanos } from '../format/duration.js';
import { buildTraceView } from '../trace/build-trace-view.js';
import { FlameGraph } from '../trace/flame/flame-graph.js';
import { CriticalPathTable } from './critical-path-table.js';
import { mergedFlameOutline } from './merged-flame-outline.js';

const HOUR_MS = 3_600_000;

/**
 * `/critical-path?service=&operation=&from=&to=[&minDuration&maxDuration]`: where an endpoint's time goes, over many
 * traces. Each trace's critical path below the endpoint's span, merged: operations by their share of the time, and a
 * flame graph of the call paths the time was spent on.
 */
export function CriticalPathPage() {
  const [params] = useSearchParams();
  const service = params.get('service') ?? '';
  const operation = params.get('operation') ?? '';
  // Without a window in the URL, the hour before opening (fixed then, so the answer does not move under the reader).
  const [opened] = useState(() => Date.now());
  const to = Number(params.get('to') ?? opened);
  const from = Number(params.get('from') ?? to - HOUR_MS);
  const minDuration = params.get('minDuration') ?? undefined;
  const maxDuration = params.get('maxDuration') ?? undefined;
  const result = useCriticalPath({ service, operation, from: String(from), to: String(to), minDuration, maxDuration });
  useDocumentTitle(`Critical path · ${service} / ${operation}`);
  const data = result.data;
  const view = useMemo(() => (data && data.flame.length > 0 ? buildTraceView(mergedFlameOutline(data.flame)) : undefined), [data]);
  const [selected, setSelected] = useState<number | undefined>();

  const band = [minDuration && `at least ${minDuration}`, maxDuration && `at most ${maxDuration}`].filter(Boolean).join(' and ');
  return (
    <div className="health-page critical-path-page">
      <div className="health-head">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/">Services</Link> › <Link to={`/services/${encodeURIComponent(service)}`}>{service}</Link> ›
        </nav>
        <h2>
          Critical path of <code>{operation}</code>
        </h2>
      </div>
      <p className="muted">
        {new Date(from).toLocaleString()} – {new Date(to).toLocaleString()}
        {band && `, traces whose ${operation} took ${band}`}. The time each operation held up {service} <code>{operation}</code>, over every trace: what a
        faster {operation} must make faster.
      </p>
      {result.isError ? (
        <ApiErrorNotice error={result.error} what="the critical path" />
      ) : !data ? (
        <p className="muted loading" role="status">
          Reading traces…
        </p>
      ) : data.used === 0 ? (
        <p className="muted" data-testid="critical-path-empty">
          No traces of {service} <code>{operation}</code> in this window.
        </p>
      ) : (
        <>
          <p data-testid="critical-path-summary">
            <strong>{data.used.toLocaleString('en')}</strong> traces
            {data.sampled ? ` (a uniform sample of the ${data.matched.toLocaleString('en')} that matched)` : ''}, {formatNanos(data.totalNs / data.used)} of critical path
            per trace on average.
          </p>
          <section className="health-section">
            <h3>Operations on the critical path</h3>
            <CriticalPathTable operations={data.operations} traces={data.used} />
          </section>
          {view && (
            <section className="health-section">
              <h3>Merged flame graph</h3>
              <p className="muted">Each box is a call path, as wide as its time on the critical path over all the traces; its own time is the space beside its children.</p>
              <FlameGraph view={view} selected={selected} onSelect={setSelected} />
              {selected !== undefined && (
                <p data-testid="flame-selection">
                  <strong>{view.serviceNames[view.service[selected]!]}</strong>: {view.timed[selected]!.name} — {formatNanos(view.duration[selected]!)} on the critical path (
                  {formatNanos(view.selfTime[selected]!)} its own), in {data.flame[selected]!.traces.toLocaleString('en')} of {data.used.toLocaleString('en')} traces
                </p>
              )}
            </section>
          )}
        </>
      )}
    </div>
  );
}
