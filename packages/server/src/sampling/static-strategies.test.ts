import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load.js';
import { staticStrategies } from './static-strategies.js';
import { strategyResponseJson } from './strategy-response.js';

/** The JSON `GET /api/sampling?service=<service>` answers for `pipeline.sampling: <sampling>`. */
function answer(sampling: Record<string, unknown>, service: string): string {
  return strategyResponseJson(staticStrategies(resolveConfig({ pipeline: { sampling } }).pipeline.sampling).strategyFor(service));
}

/** A per-operation strategy as jsonpb writes it: every field of the message, in the .proto's order. */
const ops = (defaultSamplingProbability: number, list: Array<[string, number]>) => ({
  defaultSamplingProbability,
  defaultLowerBoundTracesPerSecond: 0,
  perOperationStrategies: list.map(([operation, samplingRate]) => ({ operation, probabilisticSampling: { samplingRate } })),
  defaultUpperBoundTracesPerSecond: 0,
});

/** An entry of `operationStrategies`. */
const rate = (operation: string, param: number) => ({ operation, type: 'probabilistic', param });

// Jaeger's fixtures (internal/sampling/samplingstrategy/file/fixtures/*.json) in Clew's camelCase keys.
const STRATEGIES = {
  defaultStrategy: { type: 'probabilistic', param: 0.5 },
  serviceStrategies: [
    { service: 'foo', type: 'probabilistic', param: 0.8 },
    { service: 'bar', type: 'ratelimiting', param: 5 },
  ],
};

// operation_strategies.json without its three rate-limited operations (spam, op2, op4), which Jaeger drops with a
// warning and Clew refuses (see config.test.ts): Jaeger's expectations are the same with or without them.
const OPERATION_STRATEGIES = {
  defaultStrategy: { type: 'probabilistic', param: 0.5, operationStrategies: [rate('op0', 0.2), rate('op6', 0), rate('op7', 1)] },
  serviceStrategies: [
    { service: 'foo', type: 'probabilistic', param: 0.8, operationStrategies: [rate('op6', 0.5), rate('op1', 0.2)] },
    { service: 'bar', type: 'ratelimiting', param: 5, operationStrategies: [rate('op3', 0.3), rate('op5', 0.4)] },
  ],
};

const MISSING_SERVICE_TYPES = {
  defaultStrategy: { type: 'probabilistic', param: 0.5 },
  serviceStrategies: [
    { service: 'foo', operationStrategies: [rate('op1', 0.2)] },
    { service: 'bar', operationStrategies: [rate('op3', 0.3), rate('op5', 0.4)] },
  ],
};

const SERVICE_NO_PER_OPERATION = {
  serviceStrategies: [
    { service: 'ServiceA', type: 'probabilistic', param: 1.0 },
    { service: 'ServiceB', type: 'ratelimiting', param: 3 },
  ],
  defaultStrategy: { type: 'probabilistic', param: 0.2, operationStrategies: [rate('/health', 0.1)] },
};

// docs/configuration.md's worked example.
const DOCS_EXAMPLE = {
  defaultStrategy: { type: 'probabilistic', param: 0.1, operationStrategies: [rate('cache-warmup', 0)] },
  serviceStrategies: [
    { service: 'checkout', type: 'probabilistic', param: 0.5, operationStrategies: [rate('nightly-report', 1)] },
    { service: 'search', type: 'ratelimiting', param: 20 },
  ],
};

describe('configured strategies, as Jaeger file provider_test.go expects them, in its handler\'s JSON', () => {
  it.each([
    // TestStrategyStoreWithFile: no strategies, Jaeger's default.
    ['nothing configured', {}, 'foo', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.001 } }],
    ['nothing but the default probability', { defaultSamplingProbability: 0.25 }, 'foo', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.25 } }],
    // TestStrategyStoreWithFile with fixtures/strategies.json.
    ['strategies.json: foo', STRATEGIES, 'foo', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.8 } }],
    ['strategies.json: bar', STRATEGIES, 'bar', { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 5 } }],
    ['strategies.json: another service', STRATEGIES, 'default', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 } }],
    // TestPerOperationSamplingStrategies: the service's operations first, then the default's it does not name.
    [
      'operation_strategies.json: foo',
      OPERATION_STRATEGIES,
      'foo',
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.8 }, operationSampling: ops(0.8, [['op6', 0.5], ['op1', 0.2], ['op0', 0.2], ['op7', 1]]) },
    ],
    [
      'operation_strategies.json: bar, rate-limited, whose operations default to 0.001',
      OPERATION_STRATEGIES,
      'bar',
      { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 5 }, operationSampling: ops(0.001, [['op3', 0.3], ['op5', 0.4], ['op0', 0.2], ['op6', 0], ['op7', 1]]) },
    ],
    [
      'operation_strategies.json: another service',
      OPERATION_STRATEGIES,
      'default',
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 }, operationSampling: ops(0.5, [['op0', 0.2], ['op6', 0], ['op7', 1]]) },
    ],
    // TestMissingServiceSamplingStrategyTypes: a service without a type is probabilistic at the default probability.
    [
      'missing-service-types.json: foo',
      MISSING_SERVICE_TYPES,
      'foo',
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.001 }, operationSampling: ops(0.001, [['op1', 0.2]]) },
    ],
    [
      'missing-service-types.json: bar',
      MISSING_SERVICE_TYPES,
      'bar',
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.001 }, operationSampling: ops(0.001, [['op3', 0.3], ['op5', 0.4]]) },
    ],
    ['missing-service-types.json: another service', MISSING_SERVICE_TYPES, 'default', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 } }],
    // TestServiceNoPerOperationStrategies (snapshots TestServiceNoPerOperationStrategies_ServiceA.json and _ServiceB.json):
    // a service without operations of its own gets the default's, under its own probability when it has one.
    [
      'service_no_per_operation.json: ServiceA',
      SERVICE_NO_PER_OPERATION,
      'ServiceA',
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1 }, operationSampling: ops(1, [['/health', 0.1]]) },
    ],
    [
      'service_no_per_operation.json: ServiceB',
      SERVICE_NO_PER_OPERATION,
      'ServiceB',
      { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 3 }, operationSampling: ops(0.2, [['/health', 0.1]]) },
    ],
    [
      'the documentation\'s example: checkout',
      DOCS_EXAMPLE,
      'checkout',
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 }, operationSampling: ops(0.5, [['nightly-report', 1], ['cache-warmup', 0]]) },
    ],
    [
      'the documentation\'s example: search, rate-limited, inheriting the default\'s operations and their probability',
      DOCS_EXAMPLE,
      'search',
      { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 20 }, operationSampling: ops(0.1, [['cache-warmup', 0]]) },
    ],
    [
      'the documentation\'s example: cart',
      DOCS_EXAMPLE,
      'cart',
      { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.1 }, operationSampling: ops(0.1, [['cache-warmup', 0]]) },
    ],
  ])('%s', (_case, sampling, service, expected) => {
    expect(answer(sampling, service)).toBe(JSON.stringify(expected));
  });

  it('writes the field order, enum names and zero values of Jaeger\'s handler, byte for byte', () => {
    // handler_test.go TestHTTPHandler: rateLimiting(42).
    const rateLimited = { serviceStrategies: [{ service: 'Y', type: 'ratelimiting', param: 42 }] };
    expect(answer(rateLimited, 'Y')).toBe('{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":42}}');
    const zero = { defaultStrategy: { type: 'probabilistic', param: 0, operationStrategies: [rate('op', 0)] } };
    expect(answer(zero, 'x')).toBe(
      '{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0},"operationSampling":{"defaultSamplingProbability":0,' +
        '"defaultLowerBoundTracesPerSecond":0,"perOperationStrategies":[{"operation":"op","probabilisticSampling":{"samplingRate":0}}],"defaultUpperBoundTracesPerSecond":0}}',
    );
  });

  it('writes numbers and strings as Go\'s encoding/json does: exponents below 1e-6, HTML characters escaped', () => {
    const sampling = { defaultStrategy: { type: 'probabilistic', param: 1e-7, operationStrategies: [rate('GET /a?b=1&c=<2>', 0.000001)] } };
    expect(answer(sampling, 'x')).toBe(
      '{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1e-7},"operationSampling":{"defaultSamplingProbability":1e-7,' +
        '"defaultLowerBoundTracesPerSecond":0,"perOperationStrategies":[{"operation":"GET /a?b=1\\u0026c=\\u003c2\\u003e","probabilisticSampling":{"samplingRate":0.000001}}],' +
        '"defaultUpperBoundTracesPerSecond":0}}',
    );
  });

  it('keeps the default\'s operations out of a service when the default has none', () => {
    expect(answer({ defaultStrategy: { type: 'probabilistic', param: 0.5 }, serviceStrategies: [{ service: 'a', type: 'ratelimiting', param: 2 }] }, 'a')).toBe(
      '{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":2}}',
    );
  });
});
