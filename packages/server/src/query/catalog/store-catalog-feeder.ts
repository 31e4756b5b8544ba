import type { Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, NANOS_PER_MILLI, nowNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import type { Logger } from 'pino';
import type { AttributeCatalogs } from '../../api/native/attribute-catalogs.js';

export interface StoreCatalogFeederOptions {
  /** How often each tenant's catalog is taught again; 15 s by default. */
  readonly everyMs?: number;
  /** How far back the newest traces are looked for; 15 minutes by default. */
  readonly windowMs?: number;
  /** How many of the newest traces teach each tenant's catalog per turn; 100 by default. */
  readonly traces?: number;
}

/**
 * Autocomplete on a node that ingests nothing (a query node over a shared store): each tenant's catalog is taught
 * from the store, every `everyMs`, by the newest traces of the last `windowMs`, as the ingest consumer teaches it
 * from the spans it receives. Tenants are those asked for so far, and the default one.
 */
export class StoreCatalogFeeder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly catalogs: AttributeCatalogs,
    private readonly log: Logger,
    private readonly opts: StoreCatalogFeederOptions = {},
  ) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.everyMs ?? 15_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One turn over every tenant (one at a time; a turn still running is not doubled). */
  tick(): Promise<void> {
    this.running ??= (async () => {
      const tenants = new Set<Tenant>([DEFAULT_TENANT, ...this.catalogs.tenants()]);
      for (const tenant of tenants) {
        try {
          await this.teach(tenant);
        } catch (err) {
          this.log.warn({ err, tenant }, 'could not read recent spans for autocomplete; trying again later');
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async teach(tenant: Tenant): Promise<void> {
    const reader = this.store.forTenant(tenant);
    const end = nowNanos();
    const start = (end - BigInt(this.opts.windowMs ?? 15 * 60_000) * NANOS_PER_MILLI) as UnixNanos;
    const { traces } = await reader.findTraces({ start, end, limit: this.opts.traces ?? 100 });
    if (traces.length === 0) return;
    const spans = [...(await reader.getTraces(traces.map((t) => t.traceId))).values()].flat();
    const catalog = this.catalogs.for(tenant);
    catalog.record(spans);
    catalog.recordRoots(spans);
  }
}
