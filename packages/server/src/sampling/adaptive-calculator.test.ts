import { describe, expect, it } from 'vitest';
import { cappedProbability, nextProbability } from './adaptive-calculator.js';

describe('cappedProbability (Jaeger percentage_increase_capped_calculator_test.go, its default cap of 0.5)', () => {
  it.each([
    // target, observed, previous, expected
    [1.0, 2.0, 0.1, 0.05], // twice the target: half the probability, at once
    [1.0, 0.5, 0.1, 0.15], // half the target: doubling wanted, a 50% rise allowed
    [1.0, 0.8, 0.1, 0.125], // a 25% rise, under the cap
  ])('target %d, observed %d at %d: %d', (target, observed, previous, expected) => {
    expect(cappedProbability(target, observed, previous, 0.5)).toBeCloseTo(expected, 6);
  });
});

describe('nextProbability (Jaeger post_aggregator_test.go TestCalculateProbability)', () => {
  // Jaeger's test uses an uncapped calculator: previous × target / observed.
  const options = { targetTracesPerSecond: 1, deltaTolerance: 0.2, minSamplingProbability: 0.00001, increaseCap: Infinity };

  it.each([
    ['modify existing probability', 0.5, 2.0, 0.25],
    ['modify default probability', 0.001, 2.0, 0.0005],
    ['qps within equivalence threshold', 0.001, 0.9, 0.001],
    ['test max probability', 0.001, 0.000001, 1.0],
    ['test min probability', 0.001, 1_000_000_000, 0.00001],
    ['test 0 qps', 0.001, 0.0, 0.002],
  ])('%s: %d at %d a second gives %d', (_case, previous, observed, expected) => {
    expect(nextProbability(previous, observed, options)).toBeCloseTo(expected, 6);
  });

  it("at most doubles in one step with the post-aggregator's cap of 1", () => {
    const capped = { ...options, increaseCap: 1 };
    expect(nextProbability(0.001, 0.000001, capped)).toBeCloseTo(0.002, 9);
    expect(nextProbability(0.6, 0.1, capped)).toBe(1);
    // Falls are never capped.
    expect(nextProbability(0.5, 100, capped)).toBeCloseTo(0.005, 9);
  });

  it('changes nothing just inside the tolerance, and moves just outside it', () => {
    const wide = { ...options, deltaTolerance: 0.3 };
    expect(nextProbability(0.1, 1.29, wide)).toBe(0.1);
    expect(nextProbability(0.1, 0.71, wide)).toBe(0.1);
    expect(nextProbability(0.1, 1.31, wide)).toBeCloseTo(0.1 / 1.31, 9);
  });
});
