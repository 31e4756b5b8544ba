import type { AttributeCompareResponse, ComparedValue, SearchFilter } from '@clew/api';
import { useState } from 'react';

interface Props {
  answer: AttributeCompareResponse;
  onFilter(filter: NonNullable<SearchFilter>): void;
}

/** Rows shown before "Show all": the top of the ranking is what answers the question; the rest pushes the results down. */
const FIRST_ROWS = 15;

const pct = (v: number) => `${v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1)}%`;
const pct1 = (v: number) => `${Number.isInteger(v) ? v : v.toFixed(1)}%`;

/**
 * The values over-represented in the selection, largest difference in share first: scope and key, value, both
 * percentages and the difference as a bar; a click on a value adds it to the search. Keys set aside (ids, or what
 * the selection is made of) follow with the reason, so a missing `user.id` is explained rather than silent.
 */
export function AttributeComparisonTable({ answer, onFilter }: Props) {
  const { values, setAside } = answer;
  const [all, setAll] = useState(false);
  const shown = all ? values : values.slice(0, FIRST_ROWS);
  return (
    <>
      {values.length === 0 ? (
        <p className="muted" data-testid="compare-empty">
          {answer.selection.spans === 0 ? 'No spans in the selection: brush where the heatmap has cells.' : 'No attribute value is more common in the selection than in the rest of the window.'}
        </p>
      ) : (
        <table className="compare-values" data-testid="compare-table">
          <thead>
            <tr>
              <th>Attribute</th>
              <th>Value</th>
              <th className="num" title="Share of the selected spans with this value">Selection</th>
              <th className="num" title="Share of the other spans of the window with this value">Baseline</th>
              <th>Difference</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((v) => (
              <ValueRow key={`${v.scope}\u0000${v.key}\u0000${v.value ?? ''}`} v={v} onFilter={onFilter} />
            ))}
          </tbody>
        </table>
      )}
      {shown.length < values.length && (
        <button type="button" className="show-all" onClick={() => setAll(true)}>
          Show all {values.length.toLocaleString('en')} values
        </button>
      )}
      {answer.omitted > 0 && <p className="muted">{answer.omitted.toLocaleString('en')} more over-represented values not shown.</p>}
      {setAside.length > 0 && (
        <div className="compare-set-aside" data-testid="compare-set-aside">
          <span className="muted">Not ranked value by value:</span>
          <ul>
            {setAside.map((s) => (
              <li key={`${s.scope}:${s.key}`} data-key={s.key} data-reason={s.reason}>
                <code>{s.key}</code> <span className="scope">{s.scope}</span> — {s.reason === 'high-cardinality' ? 'an id' : 'left out'}: {s.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

function ValueRow({ v, onFilter }: { v: ComparedValue; onFilter(filter: NonNullable<SearchFilter>): void }) {
  const filter = v.filter;
  const label = filter?.param === 'attr' ? filter.value : filter ? `${filter.param}=${filter.value}` : '';
  return (
    <tr data-key={v.key} data-value={v.value ?? ''} data-scope={v.scope}>
      <td className="attribute">
        <code>{v.key}</code> <span className="scope">{v.scope}</span>
      </td>
      <td>
        {v.value === null ? (
          <span className="muted">present (values grouped: an id)</span>
        ) : filter ? (
          <button type="button" className="value-filter" title={`${v.value}\n\nClick to add ${label} to the search`} onClick={() => onFilter(filter)}>
            {v.value}
          </button>
        ) : (
          <code className="value-text" title={v.value}>
            {v.value}
          </code>
        )}
      </td>
      <td className="num" data-testid="selection-percent" title={`${v.selectionCount.toLocaleString('en')} spans`}>
        {pct1(v.selectionPercent)}
      </td>
      <td className="num" data-testid="baseline-percent" title={`${v.baselineCount.toLocaleString('en')} spans`}>
        {pct1(v.baselinePercent)}
      </td>
      <td className="difference" title={`z = ${v.z.toFixed(1)}${v.z < 2 ? ': could be chance' : ''}`}>
        <span className="difference-bar" style={{ width: `${Math.min(100, v.difference)}%` }} />
        <span className="difference-text">+{pct(v.difference).slice(0, -1)} pts</span>
      </td>
    </tr>
  );
}
