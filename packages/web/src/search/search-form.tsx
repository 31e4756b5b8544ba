import { SPAN_KIND_NAMES } from '@clew/api';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useOperations } from '../api/use-operations.js';
import { useServices } from '../api/use-services.js';
import { AttributeFilters } from './attribute-filters.js';
import { searchIdentity } from './search-state.js';
import type { SearchState } from './search-state.js';
import { TimeRange } from './time-range.js';
import { TraceQLField } from './traceql-field.js';
import type { TraceQLProblem } from './traceql-field.js';

const LIMITS = [20, 50, 100, 500];

interface Props {
  initial: SearchState;
  onSubmit(next: SearchState): void;
  /** Told whether the draft differs from `initial`, the search whose results are showing. */
  onChanged?(changed: boolean): void;
  queryProblem?: TraceQLProblem | undefined;
}

/**
 * Edits a draft of the search, by fields or as a TraceQL query; submitting hands it to the page, which puts it in
 * the URL (from the first page, without a paging anchor). `queryProblem` is the server's parse error for the
 * submitted query.
 */
export function SearchForm({ initial, onSubmit, onChanged, queryProblem }: Props) {
  const [draft, setDraft] = useState(initial);
  const changed = searchIdentity(draft) !== searchIdentity(initial);
  useEffect(() => onChanged?.(changed), [changed, onChanged]);
  const services = useServices();
  const operations = useOperations(draft.service || undefined);
  const set = (patch: Partial<SearchState>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ ...draft, offset: 0, anchor: undefined });
  };
  const opNames = [...new Set(operations.data?.map((o) => o.name) ?? [])];

  return (
    <form className="search-form" onSubmit={submit} aria-label="Search traces">
      <div role="group" aria-label="Search mode" style={{ display: 'flex', gap: 4, alignSelf: 'flex-end' }}>
        {(['form', 'traceql'] as const).map((mode) => (
          <button key={mode} type="button" aria-pressed={draft.mode === mode} className={draft.mode === mode ? 'primary' : undefined} onClick={() => set({ mode })}>
            {mode === 'form' ? 'Fields' : 'TraceQL'}
          </button>
        ))}
      </div>
      {draft.mode === 'traceql' ? (
        <label className="wide">
          TraceQL
          <TraceQLField value={draft.traceql} onChange={(traceql) => set({ traceql })} problem={queryProblem} />
        </label>
      ) : (
        <>
          <label>
            Service
            <select value={draft.service} onChange={(e) => set({ service: e.target.value, operation: '' })} aria-label="Service">
              <option value="">All services</option>
              {services.data?.map((s) => <option key={s}>{s}</option>)}
              {draft.service && !services.data?.includes(draft.service) && <option>{draft.service}</option>}
            </select>
          </label>
          <label>
            Operation
            <select value={draft.operation} onChange={(e) => set({ operation: e.target.value })} disabled={!draft.service} aria-label="Operation">
              <option value="">All operations</option>
              {opNames.map((o) => <option key={o}>{o}</option>)}
              {draft.operation && !opNames.includes(draft.operation) && <option>{draft.operation}</option>}
            </select>
          </label>
          <label>
            Span kind
            <select value={draft.spanKind} onChange={(e) => set({ spanKind: e.target.value as SearchState['spanKind'] })} aria-label="Span kind">
              <option value="">Any kind</option>
              {SPAN_KIND_NAMES.filter((k) => k !== 'unspecified').map((k) => <option key={k}>{k}</option>)}
            </select>
          </label>
          <label className="wide">
            Attributes
            <AttributeFilters service={draft.service} value={draft.attrs} onChange={(attrs) => set({ attrs })} />
          </label>
          <label>
            Min duration
            <input value={draft.minDuration} placeholder="e.g. 100ms" size={8} onChange={(e) => set({ minDuration: e.target.value })} aria-label="Min duration" />
          </label>
          <label>
            Max duration
            <input value={draft.maxDuration} placeholder="e.g. 2s" size={8} onChange={(e) => set({ maxDuration: e.target.value })} aria-label="Max duration" />
          </label>
        </>
      )}
      <label>
        Time range
        <TimeRange lookback={draft.lookback} start={draft.start} end={draft.end} onChange={(r) => set(r)} />
      </label>
      <label>
        Limit
        <select value={draft.limit} onChange={(e) => set({ limit: Number(e.target.value) })} aria-label="Limit">
          {[...new Set([...LIMITS, draft.limit])].map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      <button type="submit" className="primary">
        Find traces
      </button>
    </form>
  );
}
