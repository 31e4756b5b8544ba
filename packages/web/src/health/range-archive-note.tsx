import { Link } from 'react-router';
import { useRangeArchiveDays } from '../api/use-archive.js';

const DAY_MS = 86_400_000;

/** Consecutive days as runs: [first, last, days, spans]. Days come oldest first, as YYYY-MM-DD. */
export function dayRuns(days: ReadonlyArray<{ readonly day: string; readonly spans: number }>): Array<[string, string, number, number]> {
  const runs: Array<[string, string, number, number]> = [];
  let last = NaN;
  for (const { day, spans } of days) {
    const t = Date.parse(`${day}T00:00:00Z`);
    const run = runs[runs.length - 1];
    if (run && t - last === DAY_MS) {
      run[1] = day;
      run[2]++;
      run[3] += spans;
    } else runs.push([day, day, 1, spans]);
    last = t;
  }
  return runs;
}

/**
 * On the pages drawn from span metrics (Services, a service's page, the map) when range archives are attached
 * (`clew serve --archive-dir`): which days they hold, and that what the page shows (`counted`) is counted as spans
 * arrive, kept for the metrics' retention, so an archived quarter is not in it (a Clew holding only an archive shows
 * no traffic) while search and TraceQL metrics read it.
 */
export function RangeArchiveNote({ counted = 'The rates and latencies here' }: { counted?: string }) {
  const days = useRangeArchiveDays().data ?? [];
  if (days.length === 0) return null;
  const runs = dayRuns(days);
  const spans = days.reduce((n, d) => n + d.spans, 0);
  // The search's window over every archived day, from the first's start to the last's end.
  const search = `/search?lookback=custom&start=${Date.parse(`${days[0]!.day}T00:00:00Z`)}&end=${Date.parse(`${days[days.length - 1]!.day}T00:00:00Z`) + DAY_MS}`;
  return (
    <p className="muted range-archive-note" data-testid="range-archive-note">
      <span className="badge range-archived">Range archives</span> attached, holding{' '}
      {runs.map(([first, last], i) => (
        <span key={first}>
          {i > 0 && ', '}
          {first === last ? first : `${first} – ${last}`}
        </span>
      ))}{' '}
      ({days.length === 1 ? '1 day' : `${days.length} days`}, {spans.toLocaleString('en-US')} spans). {counted} are counted as spans
      arrive and kept for the metrics' retention, so they may not cover those days: <Link to={search}>search them</Link>, or chart them with TraceQL
      metrics.
    </p>
  );
}
