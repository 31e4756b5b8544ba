export const TRACE_TABS = [
  ['timeline', 'Timeline'],
  ['flame', 'Flame graph'],
  ['stats', 'Statistics'],
] as const;
export type TraceTab = (typeof TRACE_TABS)[number][0];

export function readTab(value: string | null): TraceTab {
  return TRACE_TABS.some(([k]) => k === value) ? (value as TraceTab) : 'timeline';
}

/** Switches between the views of one trace. */
export function TraceTabs({ tab, onTab }: { tab: TraceTab; onTab(next: TraceTab): void }) {
  return (
    <div className="tabs" role="tablist">
      {TRACE_TABS.map(([key, label]) => (
        <button key={key} type="button" role="tab" aria-selected={tab === key} className={tab === key ? 'active' : undefined} onClick={() => onTab(key)}>
          {label}
        </button>
      ))}
    </div>
  );
}
