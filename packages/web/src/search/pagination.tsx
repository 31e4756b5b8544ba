/** "21–40 of 345" with previous and next; the total is the server's real count. */
export function Pagination({ offset, limit, total, shown, onOffset }: { offset: number; limit: number; total: number; shown: number; onOffset(next: number): void }) {
  return (
    <div className="pagination" aria-label="Pages">
      <span className="muted" data-testid="result-range">
        {shown === 0 ? '0' : `${offset + 1}–${offset + shown}`} of {total} traces
      </span>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        ‹ Newer
      </button>
      <button type="button" disabled={offset + shown >= total} onClick={() => onOffset(offset + limit)}>
        Older ›
      </button>
    </div>
  );
}
