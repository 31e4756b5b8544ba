import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import { buildFixtures } from './fixtures.js';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';
import { attributeOfAll, waitForCount } from './wait-for-count.js';

// The search page in real Chromium against a real `clew serve` holding traces sent over OTLP/HTTP.
const clew = useClewProcess();
const browser = useBrowser();
const fx = buildFixtures();

const rows = (page: Page) => page.locator('table.results tbody tr');
const rowIds = (page: Page) => attributeOfAll(rows(page), 'data-trace-id');

describe('search page', () => {
  it('loads the traces', async () => {
    await loadTraces(clew(), [fx.checkout.spans, fx.email.spans]);
  });

  it('lists recent traces newest first with their real total, and plots them', async () => {
    const page = await browser.open(`${clew().query}/search`);
    await page.locator('table.results tbody tr').first().waitFor();
    expect(await rowIds(page)).toEqual([fx.email.traceId, fx.checkout.traceId]);
    expect(await page.getByTestId('result-range').textContent()).toBe('1–2 of 2 traces');
    const row = page.locator(`tr[data-trace-id="${fx.checkout.traceId}"]`);
    expect(await row.textContent()).toContain('frontend: POST /checkout');
    expect(await row.locator('.badge.error').textContent()).toBe('1');
    const chips = await row.locator('.service-chip').allTextContents();
    expect(chips.slice(0, 2)).toEqual(['payment 3 1 error', 'checkout 2']);
    expect(chips.slice(2).sort()).toEqual(['cart 1', 'frontend 1']);
    expect(await page.getByTestId('scatter').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.title()).toBe('Search — Clew');
  });

  it('plots every match in the scatter, not just the page', async () => {
    const page = await browser.open(`${clew().query}/search?limit=1`);
    await waitForCount(rows(page), 1);
    await page.getByTestId('scatter-caption').filter({ hasText: 'All 2 matching traces' }).waitFor();
  });

  it('shows the matching span\'s own duration when the search matched below the root', async () => {
    const page = await browser.open(`${clew().query}/search?service=payment&operation=charge+card`);
    await waitForCount(rows(page), 1);
    expect(await page.getByTestId('matched-span').textContent()).toBe('charge card 55ms');
    expect(await page.title()).toBe('Search: payment / charge card — Clew');
    const atRoot = await browser.open(`${clew().query}/search?service=frontend&operation=POST+%2Fcheckout`);
    await waitForCount(rows(atRoot), 1);
    expect(await atRoot.getByTestId('matched-span').count()).toBe(0);
  });

  it('says while a search runs, and marks the results on screen as stale until it answers', async () => {
    const page = await browser.open(`${clew().query}/search`);
    await waitForCount(rows(page), 2);
    expect(await page.getByTestId('search-status').count()).toBe(0);
    // Hold the next search request until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/api\/clew\/v1\/search\?/, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('Service', { exact: true }).selectOption('email');
    await page.getByTestId('search-status').filter({ hasText: 'The form has changed since these results' }).waitFor();
    expect(await page.getByTestId('results').getAttribute('class')).toContain('stale');
    await page.getByRole('button', { name: 'Find traces' }).click();
    await page.getByTestId('search-status').filter({ hasText: 'Searching…' }).waitFor();
    expect(await page.getByTestId('results').getAttribute('class')).toContain('stale');
    expect(await rows(page).count()).toBe(2); // the previous results stay up meanwhile
    release();
    await waitForCount(rows(page), 1);
    await page.getByTestId('search-status').waitFor({ state: 'detached' });
    expect(await page.getByTestId('results').getAttribute('class')).not.toContain('stale');
  });

  it('searches by service through the form, keeps it in the URL, and the back button returns', async () => {
    const page = await browser.open(`${clew().query}/search`);
    await page.locator('table.results tbody tr').first().waitFor();
    await page.getByLabel('Service', { exact: true }).selectOption('email');
    await page.getByRole('button', { name: 'Find traces' }).click();
    await page.waitForURL(/service=email/);
    await waitForCount(rows(page), 1);
    expect(await rowIds(page)).toEqual([fx.email.traceId]);
    await page.goBack();
    await waitForCount(rows(page), 2);
    expect(new URL(page.url()).search).toBe('');
  });

  it('searches by attribute key=value', async () => {
    const page = await browser.open(`${clew().query}/search`);
    const filter = page.getByLabel('Attribute filter');
    await filter.fill('payment.card.network=visa');
    await filter.press('Enter');
    await page.getByRole('button', { name: 'Find traces' }).click();
    await page.waitForURL(/attr=payment.card.network%3Dvisa/);
    await waitForCount(rows(page), 1);
    expect(await rowIds(page)).toEqual([fx.checkout.traceId]);
    expect(await page.locator('.chip code').allTextContents()).toEqual(['payment.card.network=visa']);
  });

  it('suggests attribute keys as they are typed', async () => {
    const page = await browser.open(`${clew().query}/search`);
    await page.getByLabel('Attribute filter').fill('payment.');
    await waitForCount(page.locator('#attr-suggestions option'), 3);
    const options = await attributeOfAll(page.locator('#attr-suggestions option'), 'value');
    expect(options).toEqual(expect.arrayContaining(['payment.amount_cents=', 'payment.card.network=', 'payment.retried=']));
  });

  it('opens a trace from its row', async () => {
    const page = await browser.open(`${clew().query}/search?service=frontend`);
    await page.locator(`tr[data-trace-id="${fx.checkout.traceId}"] a.trace-link`).click();
    await page.waitForURL(`**/trace/${fx.checkout.traceId}`);
    await page.getByRole('heading', { name: 'frontend: POST /checkout' }).waitFor();
  });

  it('opens a trace pasted into the header box', async () => {
    const page = await browser.open(`${clew().query}/search`);
    const box = page.getByLabel('Trace id or service');
    await box.fill(` ${fx.email.traceId.toUpperCase()} `);
    await box.press('Enter');
    await page.waitForURL(`**/trace/${fx.email.traceId}`);
    await page.getByRole('heading', { name: 'email: send receipt email' }).waitFor();
  });
});

describe('with no data', () => {
  const empty = useClewProcess();
  it('explains how to send spans', async () => {
    const page = await browser.open(`${empty().query}/search`);
    await page.getByRole('heading', { name: 'No traces yet' }).waitFor();
    expect(await page.locator('.notice pre').textContent()).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318');
  });
});
