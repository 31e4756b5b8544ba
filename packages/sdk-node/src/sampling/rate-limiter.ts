/**
 * A token bucket as Jaeger's clients use for rate-limiting sampling: `perSecond` credits a second, at most
 * max(perSecond, 1) saved up, so a burst after a quiet spell is bounded.
 */
export class RateLimiter {
  private credits: number;
  private last: number;
  private readonly max: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.max = Math.max(perSecond, 1);
    this.credits = this.max;
    this.last = now();
  }

  /** Spends one credit if there is one. */
  tryTake(): boolean {
    const t = this.now();
    this.credits = Math.min(this.max, this.credits + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.credits < 1) return false;
    this.credits -= 1;
    return true;
  }
}
