import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load.js';

const sampling = (s: unknown) => resolveConfig({ pipeline: { sampling: s } }).pipeline.sampling;

describe('pipeline.sampling', () => {
  it("defaults to Jaeger's: probabilistic 0.001 for every service, not adaptive", () => {
    expect(resolveConfig({}).pipeline.sampling).toEqual({ defaultSamplingProbability: 0.001, serviceStrategies: [] });
  });

  it("fills adaptive sampling's knobs with Jaeger's defaults", () => {
    expect(sampling({ adaptive: {} }).adaptive).toEqual({
      targetTracesPerSecond: 1,
      deltaTolerance: 0.3,
      calculationInterval: '1m',
      initialSamplingProbability: 0.001,
      minSamplingProbability: 1e-5,
      minTracesPerSecond: 1 / 60,
      aggregationBuckets: 10,
    });
  });

  it.each([
    ['an unknown key', { defaultStrategy: { type: 'probabilistic', param: 1, rate: 2 } }, 'pipeline.sampling.defaultStrategy', 'Unrecognized key: "rate"'],
    ["Jaeger's snake_case", { default_strategy: { type: 'probabilistic', param: 1 } }, 'pipeline.sampling', 'Unrecognized key: "default_strategy"'],
    ['an unknown type', { defaultStrategy: { type: 'const', param: 1 } }, 'pipeline.sampling.defaultStrategy.type', 'Invalid option'],
    ['a probability above 1', { serviceStrategies: [{ service: 'a', type: 'probabilistic', param: 1.5 }] }, 'pipeline.sampling.serviceStrategies.0.param', 'a sampling probability is from 0 to 1, got 1.5'],
    ['a type without its param', { serviceStrategies: [{ service: 'a', type: 'ratelimiting' }] }, 'pipeline.sampling.serviceStrategies.0.param', 'a ratelimiting strategy needs its param'],
    ['a param without a type', { defaultStrategy: { param: 0.5 } }, 'pipeline.sampling.defaultStrategy.type', 'param needs a type'],
    // Jaeger truncates to int32, so 0.9 (its own sampling-strategies.json) would sample nothing.
    ['a fractional rate limit', { serviceStrategies: [{ service: 'bar', type: 'ratelimiting', param: 0.9 }] }, 'pipeline.sampling.serviceStrategies.0.param', "maxTracesPerSecond is a whole number of traces a second in Jaeger's protocol, got 0.9"],
    ['a negative rate limit', { defaultStrategy: { type: 'ratelimiting', param: -1 } }, 'pipeline.sampling.defaultStrategy.param', "maxTracesPerSecond is a whole number of traces a second in Jaeger's protocol, got -1"],
    [
      'a rate-limited operation (Jaeger drops it with a warning)',
      { serviceStrategies: [{ service: 'foo', type: 'probabilistic', param: 0.8, operationStrategies: [{ operation: 'op2', type: 'ratelimiting', param: 10 }] }] },
      'pipeline.sampling.serviceStrategies.0.operationStrategies.0.type',
      'operation strategies are probabilistic only',
    ],
    ['an operation without a name', { defaultStrategy: { type: 'probabilistic', param: 1, operationStrategies: [{ type: 'probabilistic', param: 1 }] } }, 'pipeline.sampling.defaultStrategy.operationStrategies.0.operation', ''],
    ['a service listed twice', { serviceStrategies: [{ service: 'a' }, { service: 'b' }, { service: 'a' }] }, 'pipeline.sampling.serviceStrategies.2.service', 'service "a" is listed twice (also at serviceStrategies.0)'],
    ['adaptive with fixed strategies', { adaptive: {}, defaultStrategy: { type: 'probabilistic', param: 1 } }, 'pipeline.sampling.adaptive', 'adaptive sampling learns every strategy: leave defaultStrategy and serviceStrategies out, or adaptive'],
    ['an adaptive target of 0', { adaptive: { targetTracesPerSecond: 0 } }, 'pipeline.sampling.adaptive.targetTracesPerSecond', ''],
    ['an adaptive interval that is not a duration', { adaptive: { calculationInterval: 'hourly' } }, 'pipeline.sampling.adaptive.calculationInterval', 'expected a duration'],
  ])('refuses %s, naming the key', (_case, input, key, message) => {
    expect(() => sampling(input)).toThrow(`invalid configuration at "${key}": ${message}`);
  });
});
