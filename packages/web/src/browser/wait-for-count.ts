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
