import type { SearchSort } from '@clew/api';
import { SEARCH_SORTS } from '@clew/api';

const LABELS: Record<SearchSort, string> = { start: 'Newest first', duration: 'Longest first', spans: 'Most spans first' };

/** The order of the results; changing it starts again from the first page. */
export function SortSelect({ value, onChange }: { value: SearchSort; onChange(next: SearchSort): void }) {
  return (
    <label className="sort">
      <span className="muted">Sort</span>
      <select aria-label="Sort results" value={value} onChange={(e) => onChange(e.target.value as SearchSort)}>
        {SEARCH_SORTS.map((k) => (
          <option key={k} value={k}>
            {LABELS[k]}
          </option>
        ))}
      </select>
    </label>
  );
}
