import type { SloDefinition, SloErrorCode } from '@clew/api';
import { SloDefinitionSchema } from '@clew/api';
import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { MetricsReader, MetricsStore } from '@clew/storage';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ClewError } from '../errors.js';
import { metricsReaderFor } from '../query/tenant-readers.js';
import type { ConfiguredSlo } from './config.js';

/** The document collection API-made SLOs are stored in, per tenant (one document per SLO, its id the SLO's). */
export const SLO_COLLECTION = 'slos';
/**
 * DEFAULT_TENANT's collection naming every other tenant an SLO was ever stored for (one empty document each, its id
 * the tenant), so that the evaluation loop finds every tenant's SLOs after a restart: the store lists documents of
 * one tenant at a time, and has no list of tenants.
 */
export const SLO_TENANTS_COLLECTION = 'slo-tenants';

export interface RegisteredSlo {
  readonly definition: SloDefinition;
  /** Whose SLO it is: its spans are counted, and its routes list it. */
  readonly tenant: Tenant;
  /** Defined in the config file (read-only here) or through the API (stored in the metrics store). */
  readonly source: 'config' | 'api';
}

/** Why a change was refused: a bad body, or one of the SLO routes' codes. Expected outcomes, not exceptions. */
export type SloRefusal = { readonly code: 'BAD_PARAMETER' | SloErrorCode; readonly message: string; readonly field?: string };

export type SloChange = { ok: true; slo: RegisteredSlo; created: boolean } | ({ ok: false } & SloRefusal);

/**
 * Every SLO of every tenant: those of the config file, then those stored through the API, each tenant's apart (the
 * same id may be two tenants' SLOs). The config's are fixed for the process; the stored ones are read from the
 * tenant's documents on each call, so several query nodes over one store agree. An id the config file takes hides
 * a stored SLO of the same tenant and id (logged once), so the file always wins.
 */
export class SloRegistry {
  /** By tenant, then id. */
  private readonly fromConfig: ReadonlyMap<Tenant, ReadonlyMap<string, SloDefinition>>;
  private readonly shadowWarned = new Set<string>();
  /** Tenants known to be in SLO_TENANTS_COLLECTION, so that a store writes each once per process. */
  private readonly indexed = new Set<Tenant>();

  constructor(
    private readonly store: MetricsStore,
    configSlos: readonly ConfiguredSlo[],
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    const byTenant = new Map<Tenant, Map<string, SloDefinition>>();
    for (const { tenant = DEFAULT_TENANT, ...d } of configSlos) {
      const byId = byTenant.get(tenant) ?? new Map<string, SloDefinition>();
      byTenant.set(tenant, byId);
      if (byId.has(d.id)) throw new ClewError('CONFIG_INVALID', `slos: two SLOs of tenant "${tenant}" have the id "${d.id}"; give each its own id`);
      byId.set(d.id, d);
    }
    this.fromConfig = byTenant;
  }

  /** Every tenant that may have SLOs: DEFAULT_TENANT, those of the config file, and any an SLO was stored for. */
  async tenants(): Promise<Tenant[]> {
    const stored = await this.store.listDocuments(SLO_TENANTS_COLLECTION);
    return [...new Set([DEFAULT_TENANT, ...this.fromConfig.keys(), ...stored.map((d) => d.id)])].sort();
  }

  /** Every SLO of the tenant, config first, each group by id. */
  async list(tenant: Tenant): Promise<RegisteredSlo[]> {
    const configured = this.configOf(tenant);
    const config = [...configured.values()].sort(byId).map((definition) => ({ definition, tenant, source: 'config' as const }));
    const stored = (await this.stored(tenant)).filter((d) => !configured.has(d.id));
    return [...config, ...stored.sort(byId).map((definition) => ({ definition, tenant, source: 'api' as const }))];
  }

  async get(tenant: Tenant, id: string): Promise<RegisteredSlo | undefined> {
    const config = this.configOf(tenant).get(id);
    if (config !== undefined) return { definition: config, tenant, source: 'config' };
    const definition = (await this.stored(tenant)).find((d) => d.id === id);
    return definition === undefined ? undefined : { definition, tenant, source: 'api' };
  }

  /** Stores a new SLO of the tenant; refused when the body is not an SLO or the tenant's id is taken. */
  async create(tenant: Tenant, body: unknown): Promise<SloChange> {
    const parsed = parseDefinition(body);
    if (!parsed.ok) return parsed;
    const existing = await this.get(tenant, parsed.definition.id);
    if (existing !== undefined) {
      const where = existing.source === 'config' ? 'in the config file' : 'through the API';
      return { ok: false, code: 'SLO_EXISTS', message: `an SLO with the id "${parsed.definition.id}" is already defined ${where}; choose another id, or PUT to edit it` };
    }
    await this.put(tenant, parsed.definition);
    return { ok: true, slo: { definition: parsed.definition, tenant, source: 'api' }, created: true };
  }

  /** Replaces (or makes) the tenant's SLO `id`; the body may leave out the id, or must give the same one. */
  async replace(tenant: Tenant, id: string, body: unknown): Promise<SloChange> {
    if (this.configOf(tenant).has(id)) return readOnly(id, 'edited');
    const withId = typeof body === 'object' && body !== null && !Array.isArray(body) && !('id' in body) ? { ...body, id } : body;
    const parsed = parseDefinition(withId);
    if (!parsed.ok) return parsed;
    if (parsed.definition.id !== id) {
      return { ok: false, code: 'BAD_PARAMETER', field: 'id', message: `field 'id': the body names "${parsed.definition.id}" but the path names "${id}"; an SLO's id cannot change (create a new one and delete this one)` };
    }
    const created = (await this.get(tenant, id)) === undefined;
    await this.put(tenant, parsed.definition);
    return { ok: true, slo: { definition: parsed.definition, tenant, source: 'api' }, created };
  }

  /** Deletes a stored SLO of the tenant. */
  async remove(tenant: Tenant, id: string): Promise<{ ok: true } | ({ ok: false } & SloRefusal)> {
    if (this.configOf(tenant).has(id)) return readOnly(id, 'deleted');
    if (await this.documentsOf(tenant).deleteDocument(SLO_COLLECTION, id)) return { ok: true };
    return { ok: false, code: 'SLO_NOT_FOUND', message: `no SLO has the id "${id}"` };
  }

  private configOf(tenant: Tenant): ReadonlyMap<string, SloDefinition> {
    return this.fromConfig.get(tenant) ?? new Map();
  }

  private documentsOf(tenant: Tenant): MetricsReader {
    return metricsReaderFor(this.store, tenant);
  }

  private async put(tenant: Tenant, definition: SloDefinition): Promise<void> {
    // The tenant is named first: an SLO the loop cannot find would never alert.
    if (tenant !== DEFAULT_TENANT && !this.indexed.has(tenant)) {
      await this.store.putDocument(SLO_TENANTS_COLLECTION, { id: tenant, body: '{}', updatedAt: this.now() });
      this.indexed.add(tenant);
    }
    await this.documentsOf(tenant).putDocument(SLO_COLLECTION, { id: definition.id, body: JSON.stringify(definition), updatedAt: this.now() });
  }

  /** The tenant's stored definitions; one that no longer parses is skipped with a log line rather than hiding every other. */
  private async stored(tenant: Tenant): Promise<SloDefinition[]> {
    const configured = this.configOf(tenant);
    const docs = await this.documentsOf(tenant).listDocuments(SLO_COLLECTION);
    const out: SloDefinition[] = [];
    for (const doc of docs) {
      let json: unknown;
      try {
        json = JSON.parse(doc.body);
      } catch {
        json = undefined;
      }
      const r = SloDefinitionSchema.safeParse(json);
      if (!r.success || r.data.id !== doc.id) {
        this.log.warn({ slo: doc.id, tenant }, 'a stored SLO is not a valid definition and is skipped; PUT it again or DELETE it');
        continue;
      }
      const shadow = `${tenant} ${doc.id}`;
      if (configured.has(doc.id) && !this.shadowWarned.has(shadow)) {
        this.shadowWarned.add(shadow);
        this.log.warn({ slo: doc.id, tenant }, 'an SLO stored through the API has the id of one in the config file; the config file\'s is used');
      }
      out.push(r.data);
    }
    return out;
  }
}

function readOnly(id: string, what: string): { ok: false } & SloRefusal {
  return { ok: false, code: 'SLO_READ_ONLY', message: `SLO "${id}" is defined in the config file (slos:), so it cannot be ${what} through the API; edit the config file and restart Clew` };
}

function parseDefinition(body: unknown): { ok: true; definition: SloDefinition } | ({ ok: false } & SloRefusal) {
  const r = SloDefinitionSchema.safeParse(body);
  if (r.success) return { ok: true, definition: r.data };
  return { ok: false, code: 'BAD_PARAMETER', ...describeBodyError(r.error) };
}

/** The first problem in a request body, naming the field by its path (`objective.thresholdMs`). */
export function describeBodyError(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: '', message: 'invalid SLO definition' };
  const field = issue.path.map(String).join('.');
  const what = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  return { field, message: field === '' ? `invalid SLO definition: ${what}` : `field '${field}': ${what}` };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
