import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useClewProcess } from '../../../cli/src/testing/clew-process.js';
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
    expect(chips.slice(0, 2)).toEqual(['payment 3', 'checkout 2']);
    expect(chips.slice(2).sort()).toEqual(['cart 1', 'frontend 1']);
    expect(await page.getByTestId('scatter').locator('canvas').count()).toBeGreaterThan(0);
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
