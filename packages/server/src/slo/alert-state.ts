import type { FiringSince, Labels, Millis } from '@clew/analysis';
import type { MetricsStore } from '@clew/storage';
import type { Logger } from 'pino';

/** The document collection alert states are kept in: one document per SLO with a firing rule, its id the SLO's. */
export const ALERT_COLLECTION = 'slo-alerts';

/** A firing rule of one SLO: since when, when webhooks were last told, and the labels they were told it under. */
export interface FiringRule {
  readonly since: Millis;
  readonly lastSentAt: Millis;
  /** A resolved notification must carry the same labels (so the same fingerprint) as the firing one. */
  readonly labels: Labels;
}

export type SloAlertState = ReadonlyMap<string, FiringRule>;

/**
 * Which rules fire, per SLO, kept in memory and written through to the metrics store, so that a restart neither
 * sends a firing alert again nor forgets to resolve it. SLOs with nothing firing have no document.
 */
export class AlertStates {
  private constructor(
    private readonly store: MetricsStore,
    private readonly bySlo: Map<string, SloAlertState>,
  ) {}

  static async load(store: MetricsStore, log: Logger): Promise<AlertStates> {
    const bySlo = new Map<string, SloAlertState>();
    for (const doc of await store.listDocuments(ALERT_COLLECTION)) {
      const state = parseState(doc.body);
      if (state === null) log.warn({ slo: doc.id }, 'a stored SLO alert state is unreadable and is dropped; its alerts start from not firing');
      else if (state.size > 0) bySlo.set(doc.id, state);
    }
    return new AlertStates(store, bySlo);
  }

  get(slo: string): SloAlertState {
    return this.bySlo.get(slo) ?? new Map();
  }

  /** When each rule of the SLO began firing (the shape `nextAlertState` folds). */
  firingSince(slo: string): FiringSince {
    return new Map([...this.get(slo)].map(([rule, f]) => [rule, f.since]));
  }

  slos(): string[] {
    return [...this.bySlo.keys()];
  }

  async set(slo: string, state: SloAlertState, now: Millis): Promise<void> {
    if (state.size === 0) {
      this.bySlo.delete(slo);
      await this.store.deleteDocument(ALERT_COLLECTION, slo);
      return;
    }
    this.bySlo.set(slo, state);
    await this.store.putDocument(ALERT_COLLECTION, { id: slo, body: JSON.stringify({ rules: Object.fromEntries(state) }), updatedAt: now });
  }
}

function parseState(body: string): Map<string, FiringRule> | null {
  try {
    const json = JSON.parse(body) as { rules?: Record<string, Partial<FiringRule>> };
    const out = new Map<string, FiringRule>();
    for (const [rule, f] of Object.entries(json.rules ?? {})) {
      if (typeof f.since !== 'number' || typeof f.lastSentAt !== 'number' || typeof f.labels !== 'object' || f.labels === null) return null;
      out.set(rule, { since: f.since, lastSentAt: f.lastSentAt, labels: f.labels });
    }
    return out;
  } catch {
    return null;
  }
}
