import { Link } from 'react-router';

interface Props {
  /** A request for these results (or the next ones) is running. */
  fetching: boolean;
  /** The form was edited since these results were asked for. */
  formChanged: boolean;
  /** More matching traces arrived since the first page of this search (the server's `newSinceAnchor`). */
  newSince: number;
  /** The same search from its first page without an anchor, newest traces included. */
  newestHref: string;
}

/**
 * What the results on screen are: being searched for, out of date with the form, or missing traces that arrived
 * since paging began (with a way back to the newest). Says nothing when they are current.
 */
export function SearchStatus({ fetching, formChanged, newSince, newestHref }: Props) {
  if (!fetching && !formChanged && newSince === 0) return null;
  return (
    <div className="search-status" role="status" data-testid="search-status">
      {fetching && <span className="searching">Searching…</span>}
      {formChanged && <span>The form has changed since these results: press <strong>Find traces</strong> to update them.</span>}
      {newSince > 0 && (
        <span data-testid="new-since">
          {newSince.toLocaleString('en')} new {newSince === 1 ? 'trace' : 'traces'} since these results.{' '}
          <Link to={newestHref}>Show the newest</Link>
        </span>
      )}
    </div>
  );
}
