import type { DefaultStrategyConfig, SamplingConfig } from './config.js';
import type { OperationStrategy, PerOperationStrategies, StrategyProvider, StrategyResponse } from './strategy-response.js';
import { probabilistic } from './strategy-response.js';

/**
 * One strategy, as Jaeger's `parseStrategy` (internal/sampling/samplingstrategy/file/provider.go) makes it; without a
 * type, the default probability (Jaeger logs "Failed to parse sampling strategy" and does the same).
 */
function strategyOf(s: DefaultStrategyConfig, defaultProbability: number): StrategyResponse {
  if (s.type === 'probabilistic') return probabilistic(s.param!);
  if (s.type === 'ratelimiting') return { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: s.param! } };
  return probabilistic(defaultProbability);
}

/**
 * A service's (or the default) strategy with its operations, as `parseServiceStrategies`: the operations' default
 * is the strategy's own probability, or the default probability when it rate-limits.
 */
function serviceStrategyOf(s: DefaultStrategyConfig, defaultProbability: number): StrategyResponse {
  const strategy = strategyOf(s, defaultProbability);
  if (!s.operationStrategies?.length) return strategy;
  const operationSampling: PerOperationStrategies = {
    defaultSamplingProbability: strategy.probabilisticSampling?.samplingRate ?? defaultProbability,
    defaultLowerBoundTracesPerSecond: 0,
    perOperationStrategies: s.operationStrategies.map((o) => ({ operation: o.operation, probabilisticSampling: { samplingRate: o.param } })),
    defaultUpperBoundTracesPerSecond: 0,
  };
  return { ...strategy, operationSampling };
}

/** The service's operations first, then the default's that it does not name (`mergePerOperationSamplingStrategies`). */
function mergeOperations(own: readonly OperationStrategy[], defaults: readonly OperationStrategy[]): OperationStrategy[] {
  const named = new Set(own.map((o) => o.operation));
  return [...own, ...defaults.filter((o) => !named.has(o.operation))];
}

/**
 * The strategies of `pipeline.sampling`, built once as Jaeger's file strategy provider builds them from its
 * strategies file (`parseStrategies`): a service's strategy or the default one; the default's per-operation strategies
 * apply to every service too, under the service's own (a service with none gets the default's, with its own
 * probability as their default when it is probabilistic). Nothing configured: probabilistic 0.001, Jaeger's default.
 * @example staticStrategies(config.pipeline.sampling).strategyFor('checkout')
 */
export function staticStrategies(config: Pick<SamplingConfig, 'defaultSamplingProbability' | 'defaultStrategy' | 'serviceStrategies'>): StrategyProvider {
  const p = config.defaultSamplingProbability;
  const fallback = config.defaultStrategy ? serviceStrategyOf(config.defaultStrategy, p) : probabilistic(p);
  const byService = new Map<string, StrategyResponse>();
  for (const s of config.serviceStrategies) {
    const own = serviceStrategyOf(s, p);
    const defaults = fallback.operationSampling;
    let strategy = own;
    if (defaults && !own.operationSampling) {
      const probability = own.probabilisticSampling?.samplingRate ?? defaults.defaultSamplingProbability;
      strategy = { ...own, operationSampling: { ...defaults, defaultSamplingProbability: probability } };
    } else if (defaults && own.operationSampling) {
      const perOperationStrategies = mergeOperations(own.operationSampling.perOperationStrategies, defaults.perOperationStrategies);
      strategy = { ...own, operationSampling: { ...own.operationSampling, perOperationStrategies } };
    }
    byService.set(s.service, strategy);
  }
  return { strategyFor: (service) => byService.get(service) ?? fallback };
}
