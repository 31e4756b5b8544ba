import type { Attributes } from '@clew/model';
import { dbl, str } from '@clew/model';
import { makeResource, makeSpan, makeSpanId } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import type { AdaptiveSamplingOptions } from './adaptive-sampling.js';
import { AdaptiveSampling, MAX_OPERATIONS_PER_SERVICE } from './adaptive-sampling.js';
import { strategyResponseJson } from './strategy-response.js';

const MINUTE = 60_000;

/** Jaeger's defaults (adaptive.DefaultOptions), a one-minute interval. */
const DEFAULTS: AdaptiveSamplingOptions = {
  targetTracesPerSecond: 1,
  deltaTolerance: 0.3,
  calculationIntervalMs: MINUTE,
  initialSamplingProbability: 0.001,
  minSamplingProbability: 1e-5,
  minTracesPerSecond: 1 / 60,
  aggregationBuckets: 10,
};

/** A learner on a clock the test moves by hand. */
function learner(over: Partial<AdaptiveSamplingOptions> = {}) {
  let t = 1_700_000_000_000;
  const sampling = new AdaptiveSampling({ ...DEFAULTS, ...over }, () => t);
  return { sampling, tick: (ms = over.calculationIntervalMs ?? MINUTE) => (t += ms) };
}

let position = 0n;

/** Pushes `n` root spans of `service`'s `operation` as one accepted batch. */
function send(sampling: AdaptiveSampling, service: string, operation: string, n: number, attributes: Attributes = []): void {
  const span = makeSpan({ name: operation, resource: makeResource(service), attributes });
  sampling.push(new Array<typeof span>(n).fill(span), ++position);
}

const tagged = (type: string, param: number): Attributes => [
  { key: 'sampler.type', value: str(type) },
  { key: 'sampler.param', value: dbl(param) },
];

describe('AdaptiveSampling: each interval moves an operation toward the target', () => {
  it("takes Jaeger's steps on a hand-built sequence of counts (60 s intervals, target 1 a second)", () => {
    const { sampling, tick } = learner();
    // Root spans counted in each interval, and the probability served after it.
    const sequence: Array<[number, number]> = [
      [6, 0.002], // 0.1 a second at 0.001: ten times too few, the rise capped at double
      [12, 0.004],
      [24, 0.008],
      [48, 0.008], // 0.8 a second: within 30% of the target, unchanged
      [240, 0.002], // a burst, 4 a second: down at once to a quarter
      [60, 0.002], // on target
      [0, 0.002], // nothing came: no evidence either way, unchanged
    ];
    for (const [count, expected] of sequence) {
      send(sampling, 'shop', 'GET /cart', count);
      tick();
      expect(sampling.probabilityOf('shop', 'GET /cart')).toBeCloseTo(expected, 12);
    }
  });

  it("answers as Jaeger's realistic provider test expects: on target and near it unchanged, under doubled, over halved", () => {
    // provider_test.go TestProviderRealisticRunCalculationLoop: 10 s intervals, tolerance 0.2.
    const { sampling, tick } = learner({ calculationIntervalMs: 10_000, deltaTolerance: 0.2 });
    send(sampling, 'svcA', 'GET', 10);
    send(sampling, 'svcA', 'POST', 9);
    send(sampling, 'svcA', 'PUT', 5);
    send(sampling, 'svcA', 'DELETE', 20);
    tick();
    expect(strategyResponseJson(sampling.strategyFor('svcA'))).toBe(
      '{"strategyType":"PROBABILISTIC","operationSampling":{"defaultSamplingProbability":0.001,"defaultLowerBoundTracesPerSecond":0.016666666666666666,' +
        '"perOperationStrategies":[{"operation":"DELETE","probabilisticSampling":{"samplingRate":0.0005}},' +
        '{"operation":"GET","probabilisticSampling":{"samplingRate":0.001}},{"operation":"POST","probabilisticSampling":{"samplingRate":0.001}},' +
        '{"operation":"PUT","probabilisticSampling":{"samplingRate":0.002}}],"defaultUpperBoundTracesPerSecond":0}}',
    );
  });

  it("serves Jaeger's default strategy for a service it has learned nothing of", () => {
    const { sampling } = learner({ minTracesPerSecond: 0.0001 });
    // provider.go generateDefaultSamplingStrategyResponse: no top-level probabilistic strategy, no operations.
    expect(strategyResponseJson(sampling.strategyFor('new'))).toBe(
      '{"strategyType":"PROBABILISTIC","operationSampling":{"defaultSamplingProbability":0.001,"defaultLowerBoundTracesPerSecond":0.0001,"perOperationStrategies":[],"defaultUpperBoundTracesPerSecond":0}}',
    );
  });

  /**
   * A service with `rate` root traces a second following what the learner serves: each interval it sends its traffic
   * times the probability, and at least one trace (the strategy's lower bound of one a minute).
   */
  function follow(rate: number, intervals: number, over: Partial<AdaptiveSamplingOptions> = {}) {
    const { sampling, tick } = learner(over);
    const sentPerSecond: number[] = [];
    const probabilities: number[] = [];
    for (let i = 0; i < intervals; i++) {
      const p = sampling.probabilityOf('shop', 'GET /cart') ?? DEFAULTS.initialSamplingProbability;
      const traffic = rate * 60;
      const sent = Math.max(Math.round(traffic * p), Math.min(Math.round(traffic), 1));
      send(sampling, 'shop', 'GET /cart', sent);
      tick();
      sentPerSecond.push(sent / 60);
      probabilities.push(sampling.probabilityOf('shop', 'GET /cart')!);
    }
    return { sentPerSecond, probabilities };
  }

  it.each([2, 37, 100, 1000, 25_000])('converges to about the target for a service with %d root traces a second, and stays', (rate) => {
    const { sentPerSecond, probabilities } = follow(rate, 20);
    for (const sent of sentPerSecond.slice(-5)) {
      expect(sent).toBeGreaterThanOrEqual(0.7);
      expect(sent).toBeLessThanOrEqual(1.3);
    }
    expect(new Set(probabilities.slice(-5)).size).toBe(1);
  });

  it('never serves more than 1: a service with less traffic than the target is sampled whole', () => {
    const { probabilities } = follow(0.5, 20);
    expect(Math.max(...probabilities)).toBe(1);
    expect(probabilities.at(-1)).toBe(1);
  });

  it('never serves less than minSamplingProbability, even when the service still sends more than the target', () => {
    const { sentPerSecond, probabilities } = follow(5000, 10, { minSamplingProbability: 0.0005 });
    expect(Math.min(...probabilities)).toBe(0.0005);
    expect(sentPerSecond.at(-1)).toBe(2.5);
  });
});

describe('AdaptiveSampling: what it counts', () => {
  it('counts root spans only', () => {
    const { sampling, tick } = learner();
    const child = makeSpan({ name: 'SELECT', resource: makeResource('shop'), parentSpanId: makeSpanId() });
    sampling.push(new Array(600).fill(child), ++position);
    tick();
    expect(sampling.probabilityOf('shop', 'SELECT')).toBeUndefined();
  });

  it("reads Jaeger clients' sampler tags as Jaeger does", () => {
    const { sampling, tick } = learner();
    send(sampling, 'svc', 'op', 6, tagged('probabilistic', 0.001));
    tick();
    expect(sampling.probabilityOf('svc', 'op')).toBe(0.002);
    // Only lower-bound spans at the probability served: alive but sampled out, so doubled (post_aggregator_test.go
    // TestCalculateProbabilitiesAndQPSMultiple, svcB:PUT).
    send(sampling, 'svc', 'op', 3, tagged('lowerbound', 0.002));
    tick();
    expect(sampling.probabilityOf('svc', 'op')).toBe(0.004);
    // Spans sampled at another probability: the service is not following (or not yet), so no change.
    send(sampling, 'svc', 'op', 600, tagged('probabilistic', 0.5));
    tick();
    expect(sampling.probabilityOf('svc', 'op')).toBe(0.004);
    // A param written as a string is read as a number.
    send(sampling, 'svc', 'op', 120, [{ key: 'sampler.type', value: str('probabilistic') }, { key: 'sampler.param', value: str('0.004') }]);
    tick();
    expect(sampling.probabilityOf('svc', 'op')).toBe(0.002);
  });

  it('leaves out services whose spans say they sample by a constant or a rate limit', () => {
    const { sampling, tick } = learner();
    send(sampling, 'svc', 'const-op', 600, tagged('const', 1));
    send(sampling, 'svc', 'limited-op', 600, tagged('ratelimiting', 2));
    tick();
    expect(sampling.probabilityOf('svc', 'const-op')).toBeUndefined();
    expect(sampling.probabilityOf('svc', 'limited-op')).toBeUndefined();
  });

  it('skips the batches replayed from the write-ahead log at start-up', () => {
    let t = 0;
    const sampling = new AdaptiveSampling({ ...DEFAULTS, replayedThrough: 40n }, () => t);
    const span = makeSpan({ name: 'GET /cart', resource: makeResource('shop') });
    sampling.push(new Array(6000).fill(span), 40n);
    sampling.push(new Array(6).fill(span), 41n);
    t += MINUTE;
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBe(0.002);
  });

  it(`learns at most ${MAX_OPERATIONS_PER_SERVICE} operations of a service`, () => {
    const { sampling, tick } = learner();
    const resource = makeResource('noisy');
    sampling.push(Array.from({ length: MAX_OPERATIONS_PER_SERVICE + 5 }, (_, i) => makeSpan({ name: `op-${i}`, resource })), ++position);
    tick();
    expect(sampling.strategyFor('noisy').operationSampling!.perOperationStrategies).toHaveLength(MAX_OPERATIONS_PER_SERVICE);
    expect(sampling.probabilityOf('noisy', `op-${MAX_OPERATIONS_PER_SERVICE}`)).toBeUndefined();
  });
});

describe('AdaptiveSampling: a service going quiet', () => {
  it('keeps what it learned while the service is quiet, then forgets it after aggregationBuckets intervals', () => {
    const { sampling, tick } = learner({ aggregationBuckets: 3 });
    send(sampling, 'shop', 'GET /cart', 240);
    send(sampling, 'stock', 'reserve', 240);
    tick();
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBe(0.00025);

    for (let quiet = 1; quiet <= 3; quiet++) {
      send(sampling, 'stock', 'reserve', 60);
      tick();
      // Neither raised (it may have no traffic) nor lowered (it sent nothing) while quiet; forgotten after the third.
      expect(sampling.probabilityOf('shop', 'GET /cart')).toBe(quiet < 3 ? 0.00025 : undefined);
      expect(sampling.probabilityOf('stock', 'reserve')).toBe(0.00025);
    }
    expect(strategyResponseJson(sampling.strategyFor('shop'))).toBe(
      '{"strategyType":"PROBABILISTIC","operationSampling":{"defaultSamplingProbability":0.001,"defaultLowerBoundTracesPerSecond":0.016666666666666666,"perOperationStrategies":[],"defaultUpperBoundTracesPerSecond":0}}',
    );

    // Back: it starts again from the initial probability.
    send(sampling, 'shop', 'GET /cart', 6);
    tick();
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBe(0.002);
  });

  it('closes the intervals that passed while nothing came, when it is next asked', () => {
    const { sampling, tick } = learner();
    send(sampling, 'shop', 'GET /cart', 240);
    tick();
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBe(0.00025);
    tick(9 * MINUTE);
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBe(0.00025);
    tick(MINUTE);
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBeUndefined();
    // Spans of the next interval are counted in it, not in one of those that passed.
    send(sampling, 'shop', 'GET /cart', 12);
    tick(MINUTE - 1);
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBeUndefined();
    tick(1);
    expect(sampling.probabilityOf('shop', 'GET /cart')).toBe(0.002);
  });
});
