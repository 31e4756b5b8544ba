/** What the calculation needs of `pipeline.sampling.adaptive`. */
export interface CalculatorOptions {
  readonly targetTracesPerSecond: number;
  readonly deltaTolerance: number;
  readonly minSamplingProbability: number;
  /** Largest rise in one step, as a ratio of the old probability: 1 lets it at most double (Jaeger's post-aggregator). */
  readonly increaseCap: number;
}

/** Jaeger's `PostAggregator` builds its calculator with a cap of 1.0: a probability at most doubles per interval. */
export const INCREASE_CAP = 1;

/**
 * Jaeger's `PercentageIncreaseCappedCalculator.Calculate`: the probability scaled by target / observed, since what
 * was observed had already been sampled at `previous` (twice the target seen means half the probability). A fall is
 * taken at once, against oversampling; a rise is capped at `cap` times the old probability, so that a rate measured
 * from a few traces cannot throw it up.
 */
export function cappedProbability(target: number, observed: number, previous: number, cap: number): number {
  const factor = target / observed;
  const next = previous * factor;
  if (factor > 1 && (next - previous) / previous > cap) return previous + previous * cap;
  return next;
}

/** Jaeger's `FloatEquals`: equal to 10 decimal places. */
export const floatEquals = (a: number, b: number): boolean => Math.abs(a - b) < 1e-10;

/**
 * An operation's next sampling probability from the root spans a second it sent at `previous` (Jaeger's
 * `PostAggregator.calculateProbability`): unchanged within `deltaTolerance` of the target; doubled when none came
 * (Jaeger's case of an operation seen only through its lower bound); otherwise {@link cappedProbability}; always
 * within [minSamplingProbability, 1].
 * @example nextProbability(0.5, 2, { targetTracesPerSecond: 1, deltaTolerance: 0.3, minSamplingProbability: 1e-5, increaseCap: 1 }) // 0.25
 */
export function nextProbability(previous: number, observedPerSecond: number, o: CalculatorOptions): number {
  const target = o.targetTracesPerSecond;
  if (Math.abs(observedPerSecond - target) / target < o.deltaTolerance) return previous;
  const next = floatEquals(observedPerSecond, 0) ? previous * 2 : cappedProbability(target, observedPerSecond, previous, o.increaseCap);
  return Math.min(1, Math.max(o.minSamplingProbability, next));
}
