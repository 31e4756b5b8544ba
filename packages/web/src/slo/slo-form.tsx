import type { SloDefinition, SloDefinitionInput } from '@clew/api';
import { SLO_WINDOW_NAMES } from '@clew/api';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useOperations } from '../api/use-operations.js';
import { useServices } from '../api/use-services.js';
import { useSaveSlo } from '../api/use-slos.js';
import { HEALTH_SPAN_KINDS } from '../health/health-view.js';

interface Props {
  /** The SLO to edit; a new one when absent. */
  existing?: SloDefinition;
  /** Pre-filled fields for a new SLO (a service page's "add an SLO"). */
  preset?: Partial<SloDefinition>;
  onSaved(id: string): void;
  onCancel(): void;
}

interface Draft {
  id: string;
  idEdited: boolean;
  name: string;
  description: string;
  service: string;
  operation: string;
  spanKind: SloDefinition['spanKind'];
  kind: 'availability' | 'latency';
  thresholdMs: string;
  targetPercent: string;
  window: SloDefinition['window'];
}

/** "Checkout availability" → "checkout-availability": an id people can read, until they type their own. */
export const idFromName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|-+$/g, '')
    .slice(0, 100);

function draftOf(d: Partial<SloDefinition> | undefined, editing: boolean): Draft {
  return {
    id: d?.id ?? '',
    idEdited: editing,
    name: d?.name ?? '',
    description: d?.description ?? '',
    service: d?.service ?? '',
    operation: d?.operation ?? '',
    spanKind: d?.spanKind ?? 'server',
    kind: d?.objective?.kind ?? 'availability',
    thresholdMs: d?.objective?.kind === 'latency' ? String(d.objective.thresholdMs) : '500',
    targetPercent: d?.target !== undefined ? String(Math.round(d.target * 1e6) / 1e4) : '99.9',
    window: d?.window ?? '28d',
  };
}

/** Creates or edits an API-defined SLO; the server checks it and its message shows under the form. */
export function SloForm({ existing, preset, onSaved, onCancel }: Props) {
  const [draft, setDraft] = useState(() => draftOf(existing ?? preset, existing !== undefined));
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const services = useServices();
  const operations = useOperations(draft.service || undefined);
  const save = useSaveSlo(existing?.id);
  const opNames = [...new Set(operations.data?.map((o) => o.name) ?? [])].sort();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const definition: SloDefinitionInput = {
      id: draft.id,
      name: draft.name.trim(),
      description: draft.description.trim(),
      service: draft.service,
      ...(draft.operation && { operation: draft.operation }),
      spanKind: draft.spanKind,
      objective: draft.kind === 'latency' ? { kind: 'latency', thresholdMs: Number(draft.thresholdMs) } : { kind: 'availability' },
      target: Number(draft.targetPercent) / 100,
      window: draft.window,
    };
    save.mutate(definition, { onSuccess: () => onSaved(definition.id) });
  };

  return (
    <form className="slo-form" onSubmit={submit} aria-label={existing ? `Edit ${existing.name}` : 'New SLO'}>
      <h3>{existing ? `Edit ${existing.name}` : 'New SLO'}</h3>
      <div className="form-grid">
        <label>
          Name
          <input required maxLength={200} value={draft.name} onChange={(e) => set({ name: e.target.value, ...(!draft.idEdited && { id: idFromName(e.target.value) }) })} placeholder="Payment availability" />
        </label>
        <label>
          Id
          <input
            required
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,99}"
            title="letters, digits, '.', '_' and '-', starting with a letter or digit"
            value={draft.id}
            disabled={existing !== undefined}
            onChange={(e) => set({ id: e.target.value, idEdited: true })}
            placeholder="payment-availability"
          />
        </label>
        <label>
          Service
          <select required value={draft.service} onChange={(e) => set({ service: e.target.value, operation: '' })}>
            <option value="">Choose a service</option>
            {services.data?.map((s) => <option key={s}>{s}</option>)}
            {draft.service && !services.data?.includes(draft.service) && <option>{draft.service}</option>}
          </select>
        </label>
        <label>
          Operation
          <select value={draft.operation} onChange={(e) => set({ operation: e.target.value })} disabled={!draft.service}>
            <option value="">Every operation</option>
            {opNames.map((o) => <option key={o}>{o}</option>)}
            {draft.operation && !opNames.includes(draft.operation) && <option>{draft.operation}</option>}
          </select>
        </label>
        <label>
          Span kind
          <select value={draft.spanKind} onChange={(e) => set({ spanKind: e.target.value as Draft['spanKind'] })}>
            {HEALTH_SPAN_KINDS.map((k) => <option key={k}>{k}</option>)}
          </select>
        </label>
        <fieldset className="objective">
          <legend>Good means</legend>
          <label className="inline">
            <input type="radio" name="objective" checked={draft.kind === 'availability'} onChange={() => set({ kind: 'availability' })} /> no error
          </label>
          <label className="inline">
            <input type="radio" name="objective" checked={draft.kind === 'latency'} onChange={() => set({ kind: 'latency' })} /> faster than
          </label>
          {draft.kind === 'latency' && (
            <label className="inline">
              <input aria-label="Threshold (ms)" type="number" min="0.001" step="any" required value={draft.thresholdMs} onChange={(e) => set({ thresholdMs: e.target.value })} className="short" /> ms
            </label>
          )}
        </fieldset>
        <label>
          Target (%)
          <input aria-label="Target (%)" type="number" min="1" max="99.9999" step="any" required value={draft.targetPercent} onChange={(e) => set({ targetPercent: e.target.value })} className="short" />
        </label>
        <label>
          Window
          <select value={draft.window} onChange={(e) => set({ window: e.target.value as Draft['window'] })}>
            {SLO_WINDOW_NAMES.map((w) => <option key={w}>{w}</option>)}
          </select>
        </label>
        <label className="wide">
          Description
          <input maxLength={2000} value={draft.description} onChange={(e) => set({ description: e.target.value })} placeholder="What it protects, who to call" />
        </label>
      </div>
      {save.isError && (
        <p className="error-text" role="alert">
          {save.error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {existing ? 'Save' : 'Create SLO'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
