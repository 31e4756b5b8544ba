import type { MetricsStore, Store } from '@clew/storage';
import { nowNanos, NANOS_PER_MILLI, type Tenant, type UnixNanos } from '@clew/model';
import type { Logger } from 'pino';

/** The metrics rollups and how long they are kept (retention.metrics, longer than spans). */
export interface MetricsRetention {
  readonly store: MetricsStore;
  readonly retentionMs: number;
}

/** A tenant's own retention (tenants.<name>.retention), shorter than the global one. */
export interface TenantRetention {
  readonly tenant: Tenant;
  readonly spansMs?: number | undefined;
  readonly metricsMs?: number | undefined;
}

/**
 * Drops whole partitions older than the retention period, and metrics minutes older than theirs; then, for each
 * tenant with a shorter retention of its own, that tenant's older spans and minutes: now, then every `everyMs`.
 */
export function startRetention(
  store: Store,
  retentionMs: number,
  log: Logger,
  everyMs = 10 * 60_000,
  metrics?: MetricsRetention,
  tenants: readonly TenantRetention[] = [],
) {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      const cutoffOf = (ms: number) => (nowNanos() - BigInt(ms) * NANOS_PER_MILLI) as UnixNanos;
      try {
        const dropped = await store.dropBefore(cutoffOf(retentionMs));
        if (dropped > 0) log.info({ partitions: dropped }, 'retention dropped old partitions');
        if (metrics) {
          const rows = await metrics.store.dropBefore(Date.now() - metrics.retentionMs);
          if (rows > 0) log.info({ rows }, 'retention dropped old metrics minutes');
        }
        for (const t of tenants) {
          if (t.spansMs !== undefined && t.spansMs < retentionMs) {
            const n = await store.dropBefore(cutoffOf(t.spansMs), t.tenant);
            if (n > 0) log.info({ tenant: t.tenant, partitions: n }, "retention removed a tenant's old spans");
          }
          if (metrics && t.metricsMs !== undefined && t.metricsMs < metrics.retentionMs) {
            const rows = await metrics.store.dropBefore(Date.now() - t.metricsMs, t.tenant);
            if (rows > 0) log.info({ tenant: t.tenant, rows }, "retention dropped a tenant's old metrics minutes");
          }
        }
      } catch (err) {
        log.error({ err }, 'retention failed; will try again');
      } finally {
        running = undefined;
      }
    })();
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
