import { describe, expect, it } from 'vitest';
import { parseStrategy } from './strategy.js';

describe('parseStrategy', () => {
  it.each([
    ['probabilistic', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.25 } }, { kind: 'probabilistic', samplingRate: 0.25 }],
    ['probabilistic, enum as a number', { strategyType: 0, probabilisticSampling: { samplingRate: 1 } }, { kind: 'probabilistic', samplingRate: 1 }],
    ['probabilistic, no strategyType', { probabilisticSampling: { samplingRate: 0 } }, { kind: 'probabilistic', samplingRate: 0 }],
    ['rate limiting', { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 5 } }, { kind: 'ratelimiting', maxTracesPerSecond: 5 }],
    ['rate limiting, enum as a number', { strategyType: 1, rateLimitingSampling: { maxTracesPerSecond: 0.5 } }, { kind: 'ratelimiting', maxTracesPerSecond: 0.5 }],
    [
      'per operation, over the top-level strategy',
      {
        strategyType: 'PROBABILISTIC',
        probabilisticSampling: { samplingRate: 0.5 },
        operationSampling: {
          defaultSamplingProbability: 0.1,
          defaultLowerBoundTracesPerSecond: 2,
          perOperationStrategies: [{ operation: 'GET /health', probabilisticSampling: { samplingRate: 0 } }],
        },
      },
      { kind: 'per-operation', defaultSamplingProbability: 0.1, defaultLowerBoundTracesPerSecond: 2, operations: new Map([['GET /health', 0]]) },
    ],
    [
      'per operation without a lower bound or a list',
      { operationSampling: { defaultSamplingProbability: 1 } },
      { kind: 'per-operation', defaultSamplingProbability: 1, defaultLowerBoundTracesPerSecond: 0, operations: new Map() },
    ],
  ])('%s', (_case, body, expected) => {
    expect(parseStrategy(body)).toEqual(expected);
  });

  it.each([
    ['not an object', [1, 2], 'not a JSON object'],
    ['null', null, 'not a JSON object'],
    ['an unknown strategyType', { strategyType: 'MAGIC' }, 'unknown strategyType "MAGIC"'],
    ['a rate above 1', { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 1.5 } }, 'probabilisticSampling.samplingRate must be a number from 0 to 1, got 1.5'],
    ['a rate as a string', { probabilisticSampling: { samplingRate: '0.5' } }, 'got "0.5"'],
    ['probabilistic without its parameters', { strategyType: 'PROBABILISTIC' }, 'needs probabilisticSampling'],
    ['a negative rate limit', { strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: -1 } }, 'must be a non-negative number, got -1'],
    ['an operation without a name', { operationSampling: { defaultSamplingProbability: 1, perOperationStrategies: [{ probabilisticSampling: { samplingRate: 1 } }] } }, 'perOperationStrategies[0] needs an operation'],
    ['per-operation strategies that are not a list', { operationSampling: { defaultSamplingProbability: 1, perOperationStrategies: {} } }, 'must be an array'],
  ])('refuses %s', (_case, body, message) => {
    expect(() => parseStrategy(body)).toThrow(message);
  });
});
