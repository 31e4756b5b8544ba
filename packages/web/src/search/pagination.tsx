import type { ReactNode } from 'react';

interface Props {
  offset: number;
  limit: number;
  total: number;
  totalIsLowerBound?: boolean | undefined;
  shown: number;
  onOffset(next: number): void;
  /** Controls shown between the range and the buttons (the sort order). */
  children?: ReactNode;
}

/**
 * "21–40 of 345" with previous and next; the total is the server's real count, or "of 41+" when the server says it
 * is a lower bound (a TraceQL search looks only one trace past the page).
 */
export function Pagination({ offset, limit, total, totalIsLowerBound = false, shown, onOffset, children }: Props) {
  return (
    <div className="pagination" aria-label="Pages">
      <span className="muted" data-testid="result-range">
        {shown === 0 ? '0' : `${offset + 1}–${offset + shown}`} of {total.toLocaleString('en')}
        {totalIsLowerBound ? '+' : ''} traces
      </span>
      {children}
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        ‹ Newer
      </button>
      <button type="button" disabled={offset + shown >= total && !totalIsLowerBound} onClick={() => onOffset(offset + limit)}>
        Older ›
      </button>
    </div>
  );
}
