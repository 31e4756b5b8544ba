/**
 * A token bucket on a caller's clock: `rate` tokens a second, holding at most `burst`, full at first. `take(now)`
 * spends one token when there is one. Time comes in as an argument (milliseconds), never from the wall clock, so a
 * sequence of calls always gives the same answers; a clock that steps back adds nothing and takes nothing.
 * @example const b = new TokenBucket(2, 2); b.take(0); b.take(0); b.take(0) === false; b.take(500) === true
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {
    if (!(rate > 0 && burst >= 1)) throw new RangeError(`a token bucket needs rate > 0 and burst >= 1, got ${rate} and ${burst}`);
    this.tokens = burst;
  }

  /**
   * Spends `n` tokens when there are that many (or, for more than `burst`, a full bucket: the rest is a debt later
   * takes wait for, so a large request is let through rather than refused for ever).
   */
  take(now: number, n = 1): boolean {
    this.refill(now);
    if (this.tokens < Math.min(n, this.burst)) return false;
    this.tokens -= n;
    return true;
  }

  /** Milliseconds from `now` until a take of `n` would succeed (0 when it would now). */
  waitMs(now: number, n = 1): number {
    this.refill(now);
    const short = Math.min(n, this.burst) - this.tokens;
    return short <= 0 ? 0 : (short / this.rate) * 1000;
  }

  private refill(now: number): void {
    if (this.last !== undefined && now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    if (this.last === undefined || now > this.last) this.last = now;
  }
}
