import { durationMs } from '../config/duration.js';
import type { SpanConsumer } from '../pipeline/consumer.js';
import { AdaptiveSampling } from './adaptive-sampling.js';
import type { SamplingConfig } from './config.js';
import { staticStrategies } from './static-strategies.js';
import type { StrategyProvider } from './strategy-response.js';

/** Remote sampling for one Clew: where strategies come from, and (adaptive mode) the consumer that learns them. */
export interface Sampling {
  readonly strategies: StrategyProvider;
  /** Adaptive mode only: feed it every accepted batch (a pipeline consumer). */
  readonly learner: SpanConsumer | undefined;
}

/**
 * Builds remote sampling from `pipeline.sampling`: the configured strategies, or adaptive ones with their learner,
 * which skips the batches replayed from the write-ahead log through `replayedThrough` (received before a restart).
 * @example const { strategies, learner } = createSampling(config.pipeline.sampling)
 */
export function createSampling(config: SamplingConfig, opts: { readonly replayedThrough?: bigint; readonly now?: () => number } = {}): Sampling {
  const a = config.adaptive;
  if (!a) return { strategies: staticStrategies(config), learner: undefined };
  const adaptive = new AdaptiveSampling({ ...a, calculationIntervalMs: durationMs(a.calculationInterval), replayedThrough: opts.replayedThrough }, opts.now);
  return { strategies: adaptive, learner: adaptive };
}
