import { describe, expect, it } from 'vitest';
import { diagLevel } from './log-level.js';
import { remoteSamplingFromEnv } from './sampler.js';

describe('remoteSamplingFromEnv', () => {
  it.each([
    ['no sampler', {}, undefined],
    ['another sampler', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }, undefined],
    ['jaeger_remote without arguments', { OTEL_TRACES_SAMPLER: 'jaeger_remote' }, { type: 'remote' }],
    [
      'jaeger_remote with every argument',
      { OTEL_TRACES_SAMPLER: 'jaeger_remote', OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://clew:14268/api/sampling, pollingIntervalMs=5000,initialSamplingRate=0.25' },
      { type: 'remote', endpoint: 'http://clew:14268/api/sampling', pollingIntervalMs: 5000, initialSamplingRate: 0.25 },
    ],
    [
      'parentbased_jaeger_remote, an endpoint with a query string, an unknown and a bad argument',
      { OTEL_TRACES_SAMPLER: 'parentbased_jaeger_remote', OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://a/s?x=1,colour=red,pollingIntervalMs=soon' },
      { type: 'remote', endpoint: 'http://a/s?x=1' },
    ],
  ])('%s', (_case, env, expected) => {
    expect(remoteSamplingFromEnv(env)).toEqual(expected);
  });
});

describe('diagLevel', () => {
  it.each([
    ['warn', 50],
    ['DEBUG', 70],
    [' none ', 0],
    ['all', 9999],
    ['loud', undefined],
    [undefined, undefined],
  ])('%j', (value, expected) => {
    expect(diagLevel(value)).toBe(expected);
  });
});
