import type { ComparedTrace, TraceComparison } from '@clew/api';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../api/api-error.js';
import { useCompare } from '../api/use-compare.js';
import { displayTraceId, parseTraceIdInput } from '../app/trace-id.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { Notice } from '../components/notice.js';
import { formatNanos } from '../format/duration.js';
import { CompareTree } from './compare-tree.js';
import { parseComparePair } from './compare-path.js';
import { CriticalPaths } from './critical-paths.js';
import { DiffCell } from './diff-cells.js';
import './compare.css';

/** `/compare/A...B`: two traces aligned by service + operation path, their critical paths side by side. */
export function ComparePage() {
  const { pair = '' } = useParams();
  const ids = parseComparePair(pair);
  const a = ids ? (parseTraceIdInput(ids.a) ?? ids.a) : '';
  const b = ids ? (parseTraceIdInput(ids.b) ?? ids.b) : '';
  const compare = useCompare(a, b);
  useDocumentTitle(ids ? `Compare ${displayTraceId(a).slice(0, 8)} with ${displayTraceId(b).slice(0, 8)}` : 'Compare');

  if (!ids) {
    return (
      <Notice title="Two traces are needed" tone="error">
        <p>
          The address names the two traces as <code>/compare/A...B</code>. Pick two traces in the search results and press
          Compare.
        </p>
      </Notice>
    );
  }
  if (compare.isError) {
    if (isApiError(compare.error) && compare.error.notFound) {
      return (
        <Notice title="Trace not found" tone="error">
          <p>{compare.error.message}. It may not have arrived yet, it may be past the retention period, or the id may be mistyped.</p>
        </Notice>
      );
    }
    return <ApiErrorNotice error={compare.error} what="the comparison" />;
  }
  if (!compare.data) return <p className="muted loading">Comparing {a} with {b}…</p>;
  return <CompareView data={compare.data} />;
}

function CompareView({ data }: { data: TraceComparison }) {
  useEffect(() => {
    // bench/diff.js reads this mark: the comparison drawn.
    performance.mark('clew:compare-rendered');
  }, [data]);
  return (
    <div className="compare-page" data-testid="compare-page">
      <h1>Compare traces</h1>
      <table className="compare-summary" data-testid="compare-summary">
        <thead>
          <tr>
            <th />
            <th>Trace</th>
            <th className="num">Duration</th>
            <th className="num">Spans</th>
            <th className="num">Errors</th>
          </tr>
        </thead>
        <tbody>
          <SummaryRow label="A" t={data.a} />
          <SummaryRow label="B" t={data.b} />
          <tr className="summary-diff">
            <th>B − A</th>
            <td className="muted">
              {data.totals.onlyA} only in A, {data.totals.onlyB} only in B, {data.totals.countChanged} with another span count
            </td>
            <DiffCell a={data.a.durationNanos} b={data.b.durationNanos} time />
            <DiffCell a={data.a.spanCount} b={data.b.spanCount} time={false} />
            <DiffCell a={data.a.errorCount} b={data.b.errorCount} time={false} />
          </tr>
        </tbody>
      </table>
      <CompareTree nodes={data.nodes} />
      <CriticalPaths a={data.criticalPaths.a} b={data.criticalPaths.b} durationA={data.a.durationNanos} durationB={data.b.durationNanos} />
    </div>
  );
}

function SummaryRow({ label, t }: { label: string; t: ComparedTrace }) {
  return (
    <tr data-side={label}>
      <th>{label}</th>
      <td>
        <Link to={`/trace/${t.traceId}`}>
          <strong>{t.rootService}</strong>: {t.rootName}
        </Link>{' '}
        <span className="muted mono">{displayTraceId(t.traceId)}</span>
      </td>
      <td className="num">{formatNanos(t.durationNanos)}</td>
      <td className="num">{t.spanCount}</td>
      <td className="num">{t.errorCount}</td>
    </tr>
  );
}
