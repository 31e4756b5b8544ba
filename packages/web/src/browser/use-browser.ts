import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../../scripts/chromium.js';

/**
 * One headless Chromium for the test file; `open(url)` gives a fresh page in a context of its own (`options` set its
 * time zone, locale and so on), closed after the test. Errors the page throws fail the test that caused them, so a
 * broken render is not mistaken for a missing element.
 * @example const browser = useBrowser(); it('…', async () => { const page = await browser.open(url) })
 */
export function useBrowser(): { open(url: string, options?: BrowserContextOptions): Promise<Page> } {
  let browser: Browser | undefined;
  const pages: Page[] = [];
  let errors: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close()));
    const seen = errors;
    errors = [];
    if (seen.length > 0) throw new Error(`the page threw:\n${seen.join('\n')}`);
  });
  return {
    async open(url, options = {}) {
      if (!browser) throw new Error('Chromium is not running yet');
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, ...options });
      pages.push(page);
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      return page;
    },
  };
}
