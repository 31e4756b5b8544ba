import type { Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, NANOS_PER_MILLI, nowNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import { readManifest } from '@clew/storage';
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
    const end = nowNanos();
    const start = (end - BigInt(this.opts.windowMs ?? 15 * 60_000) * NANOS_PER_MILLI) as UnixNanos;
    await teachFrom(this.store, this.catalogs, tenant, start, end, this.opts.traces ?? 100);
  }
}

/** Teaches a tenant's catalog from the store's newest `traces` traces starting in [start, end]. */
async function teachFrom(store: Store, catalogs: AttributeCatalogs, tenant: Tenant, start: UnixNanos, end: UnixNanos, traces: number): Promise<void> {
  const reader = store.forTenant(tenant);
  const found = await reader.findTraces({ start, end, limit: traces });
  if (found.traces.length === 0) return;
  const spans = [...(await reader.getTraces(found.traces.map((t) => t.traceId))).values()].flat();
  const catalog = catalogs.for(tenant);
  catalog.record(spans);
  catalog.recordRoots(spans);
}

/**
 * Autocomplete for attached range archives: each tenant's catalog is taught once, as Clew starts, by the newest
 * `traces` traces of each day file of each archive (searches of the day, which the store answers from the archive),
 * so that attributes found only in an archive are offered as those of spans received are. Oldest day first, so
 * that a key's most recent values are the newest day's. The archives are the store's, read and checked already.
 */
export async function teachFromRangeArchives(
  store: Store,
  catalogs: AttributeCatalogs,
  dirs: readonly string[],
  log: Logger,
  signal: AbortSignal,
  traces = 100,
): Promise<void> {
  let days = 0;
  for (const dir of dirs) {
    const manifest = await readManifest(dir);
    const files = [...manifest.files].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    for (const day of files) {
      for (const tenant of Object.keys(day.tenants) as Tenant[]) {
        // Clew stopping: the rest is not taught (a year of days of many tenants takes minutes).
        if (signal.aborted) return;
        try {
          await teachFrom(store, catalogs, tenant, BigInt(day.minStart) as UnixNanos, BigInt(day.maxStart) as UnixNanos, traces);
        } catch (err) {
          log.warn({ err, archive: dir, day: day.day, tenant }, 'could not read a range archive day for autocomplete');
        }
      }
      days++;
    }
  }
  log.info({ archives: dirs.length, days }, 'autocomplete taught from range archives');
}
