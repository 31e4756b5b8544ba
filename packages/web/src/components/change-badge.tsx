import type { Polarity } from '../format/health.js';
import { describeChange } from '../format/health.js';

/** "↑ 12%" against the previous window, red when the figure got worse, green when it got better. */
export function ChangeBadge({ current, previous, polarity, format }: { current: number | null; previous: number | null | undefined; polarity: Polarity; format(v: number | null): string }) {
  const change = describeChange(current, previous, polarity);
  if (!change) return null;
  return (
    <span className={`change ${change.tone}`} title={`previous window: ${format(previous ?? null)}`} data-testid="change">
      {change.text}
    </span>
  );
}
