import type { Locator } from 'playwright-core';

/** Waits until `locator` matches exactly `n` elements (the page re-renders after a search or a fold). */
export async function waitForCount(locator: Locator, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    last = await locator.count();
    if (last === n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${n} elements for ${locator}, found ${last} after ${timeoutMs} ms`);
}

/** One attribute of every element `locator` matches, in document order. */
export async function attributeOfAll(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((l) => l.getAttribute(name)));
}

/** Waits until `check` answers true (the page scrolls, fetches and re-renders on its own time), else fails with `what`. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
}

/** True when all of `inner` lies within `outer`'s box on screen (a row scrolled into its list's view). */
export async function isWithin(inner: Locator, outer: Locator): Promise<boolean> {
  const [a, b] = await Promise.all([inner.boundingBox(), outer.boundingBox()]);
  return a !== null && b !== null && a.y >= b.y - 0.5 && a.y + a.height <= b.y + b.height + 0.5;
}
