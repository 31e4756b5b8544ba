import type { SloDefinition, SloErrorCode } from '@clew/api';
import { SloDefinitionSchema } from '@clew/api';
import type { MetricsStore } from '@clew/storage';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ClewError } from '../errors.js';

/** The document collection API-made SLOs are stored in (one document per SLO, its id the SLO's). */
export const SLO_COLLECTION = 'slos';

export interface RegisteredSlo {
  readonly definition: SloDefinition;
  /** Defined in the config file (read-only here) or through the API (stored in the metrics store). */
  readonly source: 'config' | 'api';
}

/** Why a change was refused: a bad body, or one of the SLO routes' codes. Expected outcomes, not exceptions. */
export type SloRefusal = { readonly code: 'BAD_PARAMETER' | SloErrorCode; readonly message: string; readonly field?: string };

export type SloChange = { ok: true; slo: RegisteredSlo; created: boolean } | ({ ok: false } & SloRefusal);

/**
 * Every SLO: those of the config file, then those stored through the API. The config's are fixed for the process;
 * the stored ones are read from the store on each call, so several query nodes over one store agree. An id the
 * config file takes hides a stored SLO of the same id (logged once), so the file always wins.
 */
export class SloRegistry {
  private readonly fromConfig: ReadonlyMap<string, SloDefinition>;
  private readonly shadowWarned = new Set<string>();

  constructor(
    private readonly store: MetricsStore,
    configSlos: readonly SloDefinition[],
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    const byId = new Map<string, SloDefinition>();
    for (const d of configSlos) {
      if (byId.has(d.id)) throw new ClewError('CONFIG_INVALID', `slos: two SLOs have the id "${d.id}"; give each its own id`);
      byId.set(d.id, d);
    }
    this.fromConfig = byId;
  }

  /** Every SLO, config first, each group by id. */
  async list(): Promise<RegisteredSlo[]> {
    const config = [...this.fromConfig.values()].sort(byId).map((definition) => ({ definition, source: 'config' as const }));
    const stored = (await this.stored()).filter((d) => !this.fromConfig.has(d.id));
    return [...config, ...stored.sort(byId).map((definition) => ({ definition, source: 'api' as const }))];
  }

  async get(id: string): Promise<RegisteredSlo | undefined> {
    const config = this.fromConfig.get(id);
    if (config !== undefined) return { definition: config, source: 'config' };
    const definition = (await this.stored()).find((d) => d.id === id);
    return definition === undefined ? undefined : { definition, source: 'api' };
  }

  /** Stores a new SLO; refused when the body is not an SLO or the id is taken. */
  async create(body: unknown): Promise<SloChange> {
    const parsed = parseDefinition(body);
    if (!parsed.ok) return parsed;
    const existing = await this.get(parsed.definition.id);
    if (existing !== undefined) {
      const where = existing.source === 'config' ? 'in the config file' : 'through the API';
      return { ok: false, code: 'SLO_EXISTS', message: `an SLO with the id "${parsed.definition.id}" is already defined ${where}; choose another id, or PUT to edit it` };
    }
    await this.put(parsed.definition);
    return { ok: true, slo: { definition: parsed.definition, source: 'api' }, created: true };
  }

  /** Replaces (or makes) the SLO `id`; the body may leave out the id, or must give the same one. */
  async replace(id: string, body: unknown): Promise<SloChange> {
    if (this.fromConfig.has(id)) return readOnly(id, 'edited');
    const withId = typeof body === 'object' && body !== null && !Array.isArray(body) && !('id' in body) ? { ...body, id } : body;
    const parsed = parseDefinition(withId);
    if (!parsed.ok) return parsed;
    if (parsed.definition.id !== id) {
      return { ok: false, code: 'BAD_PARAMETER', field: 'id', message: `field 'id': the body names "${parsed.definition.id}" but the path names "${id}"; an SLO's id cannot change (create a new one and delete this one)` };
    }
    const created = (await this.get(id)) === undefined;
    await this.put(parsed.definition);
    return { ok: true, slo: { definition: parsed.definition, source: 'api' }, created };
  }

  /** Deletes a stored SLO. */
  async remove(id: string): Promise<{ ok: true } | ({ ok: false } & SloRefusal)> {
    if (this.fromConfig.has(id)) return readOnly(id, 'deleted');
    if (await this.store.deleteDocument(SLO_COLLECTION, id)) return { ok: true };
    return { ok: false, code: 'SLO_NOT_FOUND', message: `no SLO has the id "${id}"` };
  }

  private async put(definition: SloDefinition): Promise<void> {
    await this.store.putDocument(SLO_COLLECTION, { id: definition.id, body: JSON.stringify(definition), updatedAt: this.now() });
  }

  /** Stored definitions; one that no longer parses is skipped with a log line rather than hiding every other. */
  private async stored(): Promise<SloDefinition[]> {
    const docs = await this.store.listDocuments(SLO_COLLECTION);
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
        this.log.warn({ slo: doc.id }, 'a stored SLO is not a valid definition and is skipped; PUT it again or DELETE it');
        continue;
      }
      if (this.fromConfig.has(doc.id) && !this.shadowWarned.has(doc.id)) {
        this.shadowWarned.add(doc.id);
        this.log.warn({ slo: doc.id }, 'an SLO stored through the API has the id of one in the config file; the config file\'s is used');
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
