import { z } from 'zod';
import { parseConfigDuration } from '../config/duration.js';

/** What Jaeger's strategy store answers when nothing else applies (`file.DefaultSamplingProbability`). */
export const JAEGER_DEFAULT_SAMPLING_PROBABILITY = 0.001;

const probability = z.number().min(0).max(1);

/**
 * One operation's rate. Probabilistic only: Jaeger's protocol has no per-operation rate limit (its strategy store
 * warns and drops such an entry; Clew refuses it at start-up).
 */
const operationStrategySchema = z
  .object({
    operation: z.string().min(1),
    type: z.literal('probabilistic', { error: 'operation strategies are probabilistic only (Jaeger\'s protocol has no per-operation rate limit)' }),
    param: probability,
  })
  .strict();

/** `type` and `param` as in Jaeger's strategies file; both left out means Jaeger's fallback (probabilistic 0.001). */
const strategyFields = {
  type: z.enum(['probabilistic', 'ratelimiting']).optional(),
  param: z.number().optional(),
  operationStrategies: z.array(operationStrategySchema).optional(),
};

type StrategyFields = { type?: 'probabilistic' | 'ratelimiting' | undefined; param?: number | undefined };

/** The checks Jaeger leaves to luck: a rate out of range, or a type without its parameter (read as 0 by Go). */
function checkParam(s: StrategyFields, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: string) => ctx.addIssue({ code: 'custom', message, path: [path] });
  if (s.type === undefined) {
    if (s.param !== undefined) issue('param needs a type (probabilistic or ratelimiting)', 'type');
    return;
  }
  if (s.param === undefined) return issue(`a ${s.type} strategy needs its param`, 'param');
  if (s.type === 'probabilistic' && !(s.param >= 0 && s.param <= 1)) issue(`a sampling probability is from 0 to 1, got ${s.param}`, 'param');
  // maxTracesPerSecond is an int32 in Jaeger's protocol: Jaeger truncates 0.5 to 0, which samples nothing.
  if (s.type === 'ratelimiting' && !(Number.isInteger(s.param) && s.param >= 0 && s.param <= 2 ** 31 - 1)) {
    issue(`maxTracesPerSecond is a whole number of traces a second in Jaeger's protocol, got ${s.param}`, 'param');
  }
}

const defaultStrategySchema = z.object(strategyFields).strict().superRefine(checkParam);

const serviceStrategySchema = z
  .object({ service: z.string().min(1), ...strategyFields })
  .strict()
  .superRefine(checkParam);

const duration = z.string().refine((s) => parseConfigDuration(s) !== null, {
  message: 'expected a duration such as 1m, 30s or 500ms',
});

/**
 * Adaptive sampling's knobs, named after Jaeger's `adaptive.Options` (`target_samples_per_second` …) in camelCase;
 * the defaults are Jaeger's.
 */
const adaptiveSchema = z
  .object({
    /** Root spans a second each service's operation should send. */
    targetTracesPerSecond: z.number().positive().default(1),
    /** How far from the target (as a ratio) an operation may be before its probability changes. */
    deltaTolerance: z.number().min(0).default(0.3),
    /** How often probabilities are recalculated, from the root spans counted over that interval. */
    calculationInterval: duration.default('1m'),
    /** The probability an operation starts at, and services' default for operations not learned yet. */
    initialSamplingProbability: probability.default(JAEGER_DEFAULT_SAMPLING_PROBABILITY),
    /** No operation goes below this probability. */
    minSamplingProbability: probability.default(1e-5),
    /** Traces a second each operation sends whatever its probability (the strategy's lower bound). */
    minTracesPerSecond: z.number().min(0).default(1 / 60),
    /** Intervals an operation may send nothing before it is forgotten (and back at the initial probability). */
    aggregationBuckets: z.number().int().positive().default(10),
  })
  .strict();

/**
 * `pipeline.sampling`: the strategies served at `GET /api/sampling?service=` — fixed ones, as in Jaeger's strategies
 * file (`default_strategy`, `service_strategies`, `operation_strategies` in camelCase), or adaptive ones learned from
 * the root spans Clew receives. One or the other, as Jaeger's remote-sampling extension takes `file` or `adaptive`.
 */
export const samplingConfigSchema = z
  .object({
    /** The probability Jaeger's strategy store falls back to: a strategy without a type, a rate-limited service's operations. */
    defaultSamplingProbability: probability.default(JAEGER_DEFAULT_SAMPLING_PROBABILITY),
    defaultStrategy: defaultStrategySchema.optional(),
    serviceStrategies: z.array(serviceStrategySchema).default([]),
    adaptive: adaptiveSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const first = new Map<string, number>();
    s.serviceStrategies.forEach(({ service }, i) => {
      const seen = first.get(service);
      if (seen === undefined) first.set(service, i);
      else ctx.addIssue({ code: 'custom', path: ['serviceStrategies', i, 'service'], message: `service "${service}" is listed twice (also at serviceStrategies.${seen})` });
    });
    if (s.adaptive && (s.defaultStrategy || s.serviceStrategies.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['adaptive'],
        message: 'adaptive sampling learns every strategy: leave defaultStrategy and serviceStrategies out, or adaptive',
      });
    }
  })
  .prefault({});

export type SamplingConfig = z.infer<typeof samplingConfigSchema>;
export type AdaptiveConfig = NonNullable<SamplingConfig['adaptive']>;
export type ServiceStrategyConfig = SamplingConfig['serviceStrategies'][number];
export type DefaultStrategyConfig = NonNullable<SamplingConfig['defaultStrategy']>;
