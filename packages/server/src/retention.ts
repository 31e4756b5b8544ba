import type { MetricsStore, Store } from '@clew/storage';
import { nowNanos, NANOS_PER_MILLI, type UnixNanos } from '@clew/model';
import type { Logger } from 'pino';

/** The metrics rollups and how long they are kept (retention.metrics, longer than spans). */
export interface MetricsRetention {
  readonly store: MetricsStore;
  readonly retentionMs: number;
}

/**
 * Drops whole partitions older than the retention period, and metrics minutes older than theirs: now, then every
 * `everyMs`.
 */
export function startRetention(store: Store, retentionMs: number, log: Logger, everyMs = 10 * 60_000, metrics?: MetricsRetention) {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      const cutoff = (nowNanos() - BigInt(retentionMs) * NANOS_PER_MILLI) as UnixNanos;
      try {
        const dropped = await store.dropBefore(cutoff);
        if (dropped > 0) log.info({ partitions: dropped }, 'retention dropped old partitions');
        if (metrics) {
          const rows = await metrics.store.dropBefore(Date.now() - metrics.retentionMs);
          if (rows > 0) log.info({ rows }, 'retention dropped old metrics minutes');
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
