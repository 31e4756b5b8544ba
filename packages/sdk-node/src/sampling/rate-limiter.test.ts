import { expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

/** A clock the test moves by hand, in milliseconds. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const takes = (limiter: RateLimiter, n: number): number => Array.from({ length: n }, () => limiter.tryTake()).filter(Boolean).length;

it.each([
  // per second, ms waited after spending the starting credits, how many a burst then gets
  [2, 0, 0],
  [2, 500, 1],
  [2, 1000, 2],
  [2, 10_000, 2], // saved-up credits are capped at max(perSecond, 1)
  [0.5, 1000, 0],
  [0.5, 2000, 1],
  [0.5, 60_000, 1],
  [100, 50, 5],
])('%d a second: after %d ms a burst gets %d', (perSecond, waited, expected) => {
  const c = clock();
  const limiter = new RateLimiter(perSecond, c.now);
  expect(takes(limiter, 1000)).toBe(Math.floor(Math.max(perSecond, 1)));
  c.advance(waited);
  expect(takes(limiter, 1000)).toBe(expected);
});
