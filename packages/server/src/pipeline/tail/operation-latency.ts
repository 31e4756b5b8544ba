import { DDSketch } from '@datadog/sketches-js';

/**
 * The latency distribution of one operation, learned online over a sliding pair of windows: what was seen in the
 * current window and the whole previous one. Each window is a DDSketch (relative error bound, mergeable), and the
 * estimate reads a third sketch that holds both: at each turn of the window it starts as a copy of the window just
 * ended (a merge) and every new value goes into it and into the current window. So a quantile costs one sketch
 * lookup, a value two inserts, and an operation whose latency shifts is relearned within two windows.
 */
export class OperationLatency {
  private current: DDSketch;
  private recent: DDSketch;
  private windowStart: number;

  constructor(
    private readonly windowMs: number,
    private readonly relativeAccuracy: number,
    now: number,
  ) {
    this.current = this.sketch();
    this.recent = this.sketch();
    this.windowStart = now;
  }

  /** Values in the estimate at `now` (the current and the previous window). */
  count(now: number): number {
    this.turn(now);
    return this.recent.count;
  }

  /** The value at quantile `q` (0–1) of the recent values, within the sketch's relative accuracy; undefined when empty. */
  quantile(q: number, now: number): number | undefined {
    this.turn(now);
    return this.recent.count === 0 ? undefined : this.recent.getValueAtQuantile(q);
  }

  /**
   * Whether `value` is slower than the quantile `q` at the sketch's resolution: in a higher bucket than the
   * quantile's (undefined when nothing is known). Comparing buckets rather than values means a value within the
   * quantile's own bucket (2% wide at 1% accuracy) is not above it, so an operation whose latency never varies has
   * no values above its own quantiles.
   */
  exceeds(value: number, q: number, now: number): boolean | undefined {
    const threshold = this.quantile(q, now);
    if (threshold === undefined) return undefined;
    const { mapping } = this.recent;
    if (value <= mapping.minPossible) return false;
    return threshold <= mapping.minPossible || mapping.key(value) > mapping.key(threshold);
  }

  add(value: number, now: number): void {
    this.turn(now);
    this.current.accept(value);
    this.recent.accept(value);
  }

  private turn(now: number): void {
    const elapsed = now - this.windowStart;
    if (elapsed < this.windowMs) return;
    const ended = elapsed < 2 * this.windowMs ? this.current : undefined;
    this.recent = this.sketch();
    if (ended && ended.count > 0) this.recent.merge(ended);
    this.current = this.sketch();
    this.windowStart += Math.floor(elapsed / this.windowMs) * this.windowMs;
  }

  private sketch(): DDSketch {
    return new DDSketch({ relativeAccuracy: this.relativeAccuracy });
  }
}
