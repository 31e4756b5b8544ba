import type { AttributeCompareResponse, SearchFilter } from '@clew/api';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { AttributeComparisonTable } from './attribute-comparison-table.js';
import { describeSelection } from './describe-selection.js';
import type { Selection } from './selection-state.js';

interface Props {
  selection: Selection;
  answer: AttributeCompareResponse | undefined;
  fetching: boolean;
  error: Error | null;
  onFilter(filter: NonNullable<SearchFilter>): void;
  onClear(): void;
  /** Whether each span counts with the attributes of the spans below it, and its switch. */
  descendants: boolean;
  onDescendants(on: boolean): void;
}

/** "What is different about the selected spans": the heading, the sides' sizes, the sample note and the table. */
export function AttributeComparisonPanel({ selection, answer, fetching, error, onFilter, onClear, descendants, onDescendants }: Props) {
  const n = (v: number) => v.toLocaleString('en');
  return (
    <section className="compare-panel" aria-label="What is different about the selection" data-testid="compare-panel" aria-busy={fetching}>
      <header>
        <h2>What is different about the {describeSelection(selection)}</h2>
        <label className="compare-descendants" title="Each span counts with the attributes of every span below it in its trace: slow requests then rank the slow query they made">
          <input type="checkbox" checked={descendants} onChange={(e) => onDescendants(e.target.checked)} data-testid="compare-descendants" /> with what each span called
        </label>
        <button type="button" onClick={onClear} data-testid="clear-selection">
          Clear selection
        </button>
      </header>
      {error ? (
        <ApiErrorNotice error={error} what="the comparison" />
      ) : !answer ? (
        <p className="muted loading" role="status">Comparing…</p>
      ) : (
        <>
          <p className="muted" data-testid="compare-summary">
            {n(answer.selection.spans)} selected spans against the other {n(answer.baseline.spans)} matching spans of the window
            {answer.descendants ? ', each with the spans below it' : ''}; values more common in the selection, by the difference in share.
          </p>
          {answer.sampled && (
            <p className="compare-sample" data-testid="compare-sample">
              Sampled: percentages are of {n(answer.selection.counted)} of the {n(answer.selection.spans)} selected spans (±{answer.selection.marginPercent.toFixed(1)} points) and{' '}
              {n(answer.baseline.counted)} of the {n(answer.baseline.spans)} others (±{answer.baseline.marginPercent.toFixed(1)} points), a uniform sample
              {answer.descendants ? ' of their traces' : ''}.
            </p>
          )}
          <AttributeComparisonTable answer={answer} onFilter={onFilter} />
        </>
      )}
    </section>
  );
}
