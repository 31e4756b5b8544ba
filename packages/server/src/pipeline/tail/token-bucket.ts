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

  take(now: number): boolean {
    if (this.last !== undefined && now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    if (this.last === undefined || now > this.last) this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
