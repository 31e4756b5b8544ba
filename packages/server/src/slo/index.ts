import type { SloView } from '@clew/api';
import type { Millis } from '@clew/analysis';
import type { Tenant } from '@clew/model';
import type { MetricsStore } from '@clew/storage';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { parseConfigDuration } from '../config/duration.js';
import type { ClewConfig } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import { metricsReaderFor } from '../query/tenant-readers.js';
import { AlertStates } from './alert-state.js';
import type { EvaluatorLease } from './lease.js';
import { SloAlerting } from './alerting.js';
import { readSlo } from './evaluate.js';
import { SloRegistry } from './registry.js';
import { sloRoutes } from './routes.js';
import { registerSloMetrics } from './slo-metrics.js';
import { sloView } from './view.js';
import { WebhookSender } from './webhook-sender.js';

export interface StartSlosOptions {
  readonly metricsStore: MetricsStore;
  readonly config: ClewConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The clock evaluations read (epoch ms); Date.now by default. Tests pin it. */
  readonly now?: () => Millis;
  /** Evaluate every alerting.evaluateEvery on a timer (the default); tests turn it off and call evaluateNow. */
  readonly loop?: boolean;
  /**
   * With several query nodes over one shared store: only the node holding this lease evaluates and sends alerts
   * (the others answer the API from the store). Without it this process is the only evaluator.
   */
  readonly lease?: EvaluatorLease;
}

export interface Slos {
  /** The native API's SLO routes, a fastify plugin: `await app.register(slos.routes)`. */
  readonly routes: FastifyPluginAsync;
  /** Every SLO of the tenant measured now, as the API's list answers it (read-only: the MCP server's slo_status). */
  views(tenant: Tenant): Promise<SloView[]>;
  /** Evaluates every SLO once, now (after any evaluation under way); notifications go out in the background. */
  evaluateNow(): Promise<void>;
  /** Resolves once every queued notification was delivered or given up. */
  deliveriesIdle(): Promise<void>;
  /** Stops the loop, waits for an evaluation under way, abandons notifications still waiting for a retry. */
  stop(): Promise<void>;
}

const ms = (text: string): number => parseConfigDuration(text)!;

/**
 * SLOs and their alerts: the registry (config file and API), the evaluation loop with its persisted alert states and
 * webhook notifications, the gauges on /metrics, and the API routes.
 * @example
 * const slos = await startSlos({ metricsStore, config, log, metrics });
 * await app.register(slos.routes);
 * // on shutdown: await slos.stop();
 */
export async function startSlos(opts: StartSlosOptions): Promise<Slos> {
  const { metricsStore: store, config, log } = opts;
  const now = opts.now ?? Date.now;
  const alerting = config.alerting;
  const registry = new SloRegistry(store, config.slos, log, now);
  const states = await AlertStates.load(store, log);
  let onOutcome: (outcome: 'success' | 'error' | 'gave_up') => void = () => {};
  const sender = new WebhookSender({
    maxAttempts: alerting.retry.maxAttempts,
    initialBackoffMs: ms(alerting.retry.initialBackoff),
    maxBackoffMs: ms(alerting.retry.maxBackoff),
    timeoutMs: ms(alerting.timeout),
    log,
    onOutcome: (outcome) => onOutcome(outcome),
  });
  const loop = new SloAlerting({
    registry,
    store,
    states,
    sender,
    config: alerting,
    repeatIntervalMs: ms(alerting.repeatInterval),
    externalUrl: (alerting.externalUrl ?? `http://${config.host}:${config.ports.query}`).replace(/\/+$/, ''),
    log,
    now,
  });
  onOutcome = registerSloMetrics(opts.metrics, loop);

  let running: Promise<void> = Promise.resolve();
  const lease = opts.lease;
  const evaluate = async (): Promise<void> => {
    if (lease) {
      const { holds, gained } = await lease.acquire(now());
      if (!holds) {
        // Another node evaluates: its alert states are read afresh for the API, and /metrics shows none here.
        states.forget();
        loop.clearViews();
        return;
      }
      if (gained) {
        states.forget();
        log.info({ node: lease.holder }, 'this node now evaluates the SLOs and sends their alerts');
      }
    }
    await loop.evaluate();
  };
  const evaluateNow = (): Promise<void> => {
    running = running.then(() =>
      evaluate().catch((err: unknown) => {
        log.error({ err }, 'SLO evaluation failed; it is tried again at the next one');
      }),
    );
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const every = ms(alerting.evaluateEvery);
  const tick = () => {
    timer = setTimeout(() => {
      if (stopped) return;
      void evaluateNow().then(() => {
        if (!stopped) tick();
      });
    }, every);
    timer.unref();
  };
  if (opts.loop ?? true) {
    void evaluateNow();
    tick();
  }

  return {
    routes: sloRoutes({ registry, store, states, now }),
    views: async (tenant) => {
      await states.load(tenant);
      const metrics = metricsReaderFor(store, tenant);
      return Promise.all((await registry.list(tenant)).map(async (slo) => sloView(slo, await readSlo(metrics, slo.definition, now()), states.firingSince(tenant, slo.definition.id))));
    },
    evaluateNow,
    deliveriesIdle: () => sender.idle(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await lease?.release(now()).catch((err: unknown) => log.warn({ err }, 'the SLO evaluator lease could not be given up; another node takes it once it runs out'));
      await sender.stop();
    },
  };
}
