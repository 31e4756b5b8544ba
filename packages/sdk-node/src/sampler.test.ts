import { describe, expect, it } from 'vitest';
import { diagLevel } from './log-level.js';
import { remoteSamplingFromEnv, samplerFromEnv } from './sampler.js';

describe('samplerFromEnv: the sampler OpenTelemetry would build from OTEL_TRACES_SAMPLER', () => {
  const parentBased = (root: string) =>
    `ParentBased{root=${root}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}`;
  it.each<[Record<string, string>, string | undefined]>([
    [{}, undefined],
    [{ OTEL_TRACES_SAMPLER: ' ' }, undefined],
    [{ OTEL_TRACES_SAMPLER: 'always_on' }, 'AlwaysOnSampler'],
    [{ OTEL_TRACES_SAMPLER: 'always_off' }, 'AlwaysOffSampler'],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, 'TraceIdRatioBased{0.25}'],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, parentBased('AlwaysOnSampler')],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, parentBased('AlwaysOffSampler')],
    [{ OTEL_TRACES_SAMPLER: ' parentbased_traceidratio ', OTEL_TRACES_SAMPLER_ARG: ' 0 ' }, parentBased('TraceIdRatioBased{0}')],
    // A missing or out-of-range ratio samples everything, as OpenTelemetry's SDK does.
    [{ OTEL_TRACES_SAMPLER: 'traceidratio' }, 'TraceIdRatioBased{1}'],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'TraceIdRatioBased{1}'],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, 'TraceIdRatioBased{1}'],
    [{ OTEL_TRACES_SAMPLER: 'jaeger_remote', OTEL_TRACES_SAMPLER_ARG: 'endpoint=http://127.0.0.1:9/api/sampling' }, parentBased('JaegerRemoteSampler{http://127.0.0.1:9/api/sampling?service=test, initial ratio 0.001}')],
    [{ OTEL_TRACES_SAMPLER: 'xray' }, undefined],
  ])('%j', (env, expected) => {
    const stops: Array<() => void> = [];
    expect(samplerFromEnv(env, 'test', stops)?.toString()).toBe(expected);
    for (const stop of stops) stop();
  });
});

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
