import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import { buildFixtures } from './fixtures.js';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';
import { attributeOfAll, waitForCount } from './wait-for-count.js';

// TraceQL on the search page, in real Chromium against a real `clew serve` holding the checkout and email traces.
const clew = useClewProcess();
const browser = useBrowser();
const fx = buildFixtures();

const rows = (page: Page) => page.locator('table.results tbody tr');
const rowIds = (page: Page) => attributeOfAll(rows(page), 'data-trace-id');
const STRUCTURAL = '{ resource.service.name = "checkout" } > { resource.service.name = "payment" && status = error }';

describe('TraceQL search', () => {
  it('loads the traces', async () => {
    await loadTraces(clew(), [fx.checkout.spans, fx.email.spans]);
  });

  it('finds traces with a structural query, keeps it in the URL, and the back button returns', async () => {
    const page = await browser.open(`${clew().query}/search`);
    await waitForCount(rows(page), 2);
    await page.getByRole('button', { name: 'TraceQL', exact: true }).click();
    await page.getByLabel('TraceQL query').fill(STRUCTURAL);
    await page.getByRole('button', { name: 'Find traces' }).click();
    await page.waitForURL(/mode=traceql/);
    expect(new URL(page.url()).searchParams.get('q')).toBe(STRUCTURAL);
    await waitForCount(rows(page), 1);
    expect(await rowIds(page)).toEqual([fx.checkout.traceId]);
    expect(await page.getByTestId('result-range').textContent()).toBe('1–1 of 1 traces');
    await page.goBack();
    await waitForCount(rows(page), 2);
    expect(await page.getByLabel('Service', { exact: true }).isVisible()).toBe(true);
  });

  it('opens a shared TraceQL URL with the query in the box, and says when the total is a lower bound', async () => {
    const page = await browser.open(`${clew().query}/search?mode=traceql&q=${encodeURIComponent('{ }')}&limit=1`);
    await waitForCount(rows(page), 1);
    expect(await page.getByLabel('TraceQL query').inputValue()).toBe('{ }');
    expect(await rowIds(page)).toEqual([fx.email.traceId]);
    expect(await page.getByTestId('result-range').textContent()).toBe('1–1 of 2+ traces');
    await page.getByRole('button', { name: 'Older ›' }).click();
    await page.waitForURL(/offset=1/);
    await page.locator(`tr[data-trace-id="${fx.checkout.traceId}"]`).waitFor();
    expect(await page.getByTestId('result-range').textContent()).toBe('2–2 of 2 traces');
  });

  it('shows a parse error under the box with the position marked', async () => {
    const page = await browser.open(`${clew().query}/search?mode=traceql`);
    const box = page.getByLabel('TraceQL query');
    await box.fill('{ span.db.system = }');
    await box.press('Enter');
    await page.getByTestId('traceql-error').waitFor();
    expect(await page.getByTestId('traceql-error').textContent()).toMatch(/parse error at line 1, col 20: /);
    expect(await page.getByTestId('traceql-error-position').textContent()).toBe(`{ span.db.system = }\n${' '.repeat(19)}^`);
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await rows(page).count()).toBe(0);
  });
});
