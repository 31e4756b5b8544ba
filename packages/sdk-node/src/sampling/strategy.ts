/** A sampling strategy as the Jaeger remote-sampling protocol describes it, normalised. */
export type Strategy =
  | { kind: 'probabilistic'; samplingRate: number }
  | { kind: 'ratelimiting'; maxTracesPerSecond: number }
  | {
      kind: 'per-operation';
      defaultSamplingProbability: number;
      defaultLowerBoundTracesPerSecond: number;
      operations: ReadonlyMap<string, number>;
    };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function probability(v: unknown, where: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${where} must be a number from 0 to 1, got ${JSON.stringify(v)}`);
  return v;
}

function nonNegative(v: unknown, where: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0)) throw new Error(`${where} must be a non-negative number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Parses a `GET /api/sampling?service=…` response (Jaeger's `SamplingStrategyResponse` in JSON). `strategyType` may be
 * the enum's name or number, as Jaeger's collector and agent write it in different versions; `operationSampling`,
 * when present, takes precedence as it does in Jaeger's clients. Throws with what is wrong for anything else.
 */
export function parseStrategy(body: unknown): Strategy {
  if (!isObject(body)) throw new Error('the sampling strategy is not a JSON object');
  const ops = body.operationSampling;
  if (isObject(ops)) {
    const operations = new Map<string, number>();
    const list = ops.perOperationStrategies ?? [];
    if (!Array.isArray(list)) throw new Error('operationSampling.perOperationStrategies must be an array');
    for (const [i, op] of list.entries()) {
      if (!isObject(op) || typeof op.operation !== 'string' || !isObject(op.probabilisticSampling)) {
        throw new Error(`operationSampling.perOperationStrategies[${i}] needs an operation and probabilisticSampling`);
      }
      operations.set(op.operation, probability(op.probabilisticSampling.samplingRate, `perOperationStrategies[${i}].probabilisticSampling.samplingRate`));
    }
    return {
      kind: 'per-operation',
      defaultSamplingProbability: probability(ops.defaultSamplingProbability, 'operationSampling.defaultSamplingProbability'),
      defaultLowerBoundTracesPerSecond: nonNegative(ops.defaultLowerBoundTracesPerSecond, 'operationSampling.defaultLowerBoundTracesPerSecond'),
      operations,
    };
  }
  const type = body.strategyType ?? 'PROBABILISTIC';
  if (type === 'PROBABILISTIC' || type === 0) {
    if (!isObject(body.probabilisticSampling)) throw new Error('a PROBABILISTIC strategy needs probabilisticSampling');
    return { kind: 'probabilistic', samplingRate: probability(body.probabilisticSampling.samplingRate, 'probabilisticSampling.samplingRate') };
  }
  if (type === 'RATE_LIMITING' || type === 1) {
    if (!isObject(body.rateLimitingSampling)) throw new Error('a RATE_LIMITING strategy needs rateLimitingSampling');
    return { kind: 'ratelimiting', maxTracesPerSecond: nonNegative(body.rateLimitingSampling.maxTracesPerSecond, 'rateLimitingSampling.maxTracesPerSecond') };
  }
  throw new Error(`unknown strategyType ${JSON.stringify(type)} (expected PROBABILISTIC or RATE_LIMITING)`);
}
