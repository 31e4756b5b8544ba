import type { SloView } from '@clew/api';

const TITLES = { ok: 'No alert fires', ticket: 'A slow-burn alert fires: open a ticket', page: 'A fast-burn alert fires: page someone' } as const;

/** ok / ticket / page, coloured by urgency. */
export function AlertBadge({ state }: { state: SloView['alertState'] }) {
  return (
    <span className={`alert-badge ${state}`} title={TITLES[state]} data-testid="alert-state">
      {state}
    </span>
  );
}
