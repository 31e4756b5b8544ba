import type { FiringSince, Labels, Millis } from '@clew/analysis';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { MetricsStore } from '@clew/storage';
import type { Logger } from 'pino';
import { metricsReaderFor } from '../query/tenant-readers.js';

/**
 * The document collection alert states are kept in, among the SLO's tenant's documents: one document per SLO with a
 * firing rule, its id the SLO's.
 */
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
 * Which rules fire, per tenant and SLO, kept in memory and written through to the tenant's documents in the metrics
 * store, so that a restart neither sends a firing alert again nor forgets to resolve it. SLOs with nothing firing
 * have no document. DEFAULT_TENANT's states are read at start; another tenant's on its first `load`.
 */
export class AlertStates {
  private readonly byTenant = new Map<Tenant, Map<string, SloAlertState>>();
  private readonly loading = new Map<Tenant, Promise<void>>();

  private constructor(
    private readonly store: MetricsStore,
    private readonly log: Logger,
  ) {}

  static async load(store: MetricsStore, log: Logger): Promise<AlertStates> {
    const states = new AlertStates(store, log);
    await states.load(DEFAULT_TENANT);
    return states;
  }

  /** Reads the tenant's stored states, once (later calls wait for the first). */
  load(tenant: Tenant): Promise<void> {
    let done = this.loading.get(tenant);
    if (done === undefined) {
      done = this.read(tenant).catch((err: unknown) => {
        this.loading.delete(tenant); // tried again by the next caller
        throw err;
      });
      this.loading.set(tenant, done);
    }
    return done;
  }

  /** Forgets what was read: the next `load` of each tenant reads the store again (another node may have written). */
  forget(): void {
    this.byTenant.clear();
    this.loading.clear();
  }

  get(tenant: Tenant, slo: string): SloAlertState {
    return this.byTenant.get(tenant)?.get(slo) ?? new Map();
  }

  /** When each rule of the tenant's SLO began firing (the shape `nextAlertState` folds). */
  firingSince(tenant: Tenant, slo: string): FiringSince {
    return new Map([...this.get(tenant, slo)].map(([rule, f]) => [rule, f.since]));
  }

  /** The tenant's SLOs with a firing rule. */
  slos(tenant: Tenant): string[] {
    return [...(this.byTenant.get(tenant)?.keys() ?? [])];
  }

  async set(tenant: Tenant, slo: string, state: SloAlertState, now: Millis): Promise<void> {
    const documents = metricsReaderFor(this.store, tenant);
    const bySlo = this.statesOf(tenant);
    if (state.size === 0) {
      bySlo.delete(slo);
      await documents.deleteDocument(ALERT_COLLECTION, slo);
      return;
    }
    bySlo.set(slo, state);
    await documents.putDocument(ALERT_COLLECTION, { id: slo, body: JSON.stringify({ rules: Object.fromEntries(state) }), updatedAt: now });
  }

  private statesOf(tenant: Tenant): Map<string, SloAlertState> {
    let bySlo = this.byTenant.get(tenant);
    if (bySlo === undefined) this.byTenant.set(tenant, (bySlo = new Map()));
    return bySlo;
  }

  private async read(tenant: Tenant): Promise<void> {
    const docs = await metricsReaderFor(this.store, tenant).listDocuments(ALERT_COLLECTION);
    const bySlo = this.statesOf(tenant);
    for (const doc of docs) {
      const state = parseState(doc.body);
      if (state === null) this.log.warn({ slo: doc.id, tenant }, 'a stored SLO alert state is unreadable and is dropped; its alerts start from not firing');
      else if (state.size > 0 && !bySlo.has(doc.id)) bySlo.set(doc.id, state);
    }
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
