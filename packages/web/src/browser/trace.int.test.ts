import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import { build64BitTrace, buildFixtures, buildWideTrace, LONG_URL } from './fixtures.js';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';
import { isWithin, waitUntil } from './wait-for-count.js';

// The trace page in real Chromium against a real `clew serve` holding the hand-drawn traces of fixtures.ts.
const clew = useClewProcess();
const browser = useBrowser();
const startMs = Date.now() - 60_000;
const fx = buildFixtures(startMs);
const wide = buildWideTrace();
const legacy = build64BitTrace();

beforeAll(async () => {
  await loadTraces(clew(), [fx.checkout.spans, fx.email.spans, wide.spans, legacy.spans]);
});

const openCheckout = async (): Promise<Page> => {
  const page = await browser.open(`${clew().query}/trace/${fx.checkout.traceId}`);
  await page.getByTestId('waterfall').locator('[role=treeitem]').first().waitFor();
  return page;
};
const rowNames = (page: Page) => page.locator('[role=treeitem] .wf-op').allTextContents();
const row = (page: Page, name: string) => page.locator('[role=treeitem]', { has: page.locator('.wf-op', { hasText: new RegExp(`^${name}$`) }) });
const spanIdOf = (spans: { name: string; spanId: string }[], name: string) => spans.find((s) => s.name === name)!.spanId;
const selectedRow = (page: Page) => page.locator('[role=treeitem][aria-selected=true]');
const detailValue = (page: Page, table: string, key: string) =>
  page.getByRole('table', { name: table }).locator('tr', { has: page.locator('th', { hasText: new RegExp(`^${key.replace(/\./g, '\\.')}$`) }) });

describe('trace page', () => {
  it('draws every span in tree order with the trace summary', async () => {
    const page = await openCheckout();
    expect(await rowNames(page)).toEqual(['POST /checkout', 'place order', 'get cart', 'charge card', 'SELECT balance', 'UPDATE ledger', 'send receipt']);
    const facts = await page.locator('.trace-facts').textContent();
    expect(facts).toContain('7 spans');
    expect(facts).toContain('4 services');
    expect(facts).toContain('1 error');
    expect(await row(page, 'charge card').getAttribute('class')).toContain('error');
  });

  it('collapses and expands a subtree', async () => {
    const page = await openCheckout();
    await row(page, 'charge card').getByRole('button', { name: 'Collapse children' }).click();
    expect(await rowNames(page)).toEqual(['POST /checkout', 'place order', 'get cart', 'charge card', 'send receipt']);
    await row(page, 'charge card').getByRole('button', { name: 'Expand 2 children' }).click();
    expect(await rowNames(page)).toHaveLength(7);
    await row(page, 'POST /checkout').getByRole('button', { name: 'Collapse children' }).click();
    expect(await rowNames(page)).toEqual(['POST /checkout']);
  });

  it('shows a selected span with typed attributes, status, events, resource and scope', async () => {
    const page = await openCheckout();
    await row(page, 'charge card').click();
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    expect(await detail.getByRole('heading').first().textContent()).toBe('charge card');
    // Attributes, events, resource and scope come from the span's own request, after the outline drew the page.
    await page.getByRole('table', { name: 'Span attributes' }).waitFor();
    expect(await detailValue(page, 'Span attributes', 'payment.amount_cents').locator('td').allTextContents()).toEqual(['4999', 'int']);
    expect(await detailValue(page, 'Span attributes', 'payment.card.network').locator('td').allTextContents()).toEqual(['visa', 'string']);
    expect(await detailValue(page, 'Span attributes', 'payment.retried').locator('td').allTextContents()).toEqual(['false', 'bool']);
    const facts = await detail.locator('dl.facts').textContent();
    expect(facts).toContain('error — card declined');
    expect(facts).toContain('+25ms');
    expect(facts).toContain('55ms');
    expect(await detail.locator('.events').textContent()).toContain('card declined: insufficient funds');
    expect(await detailValue(page, 'Resource attributes', 'service.name').locator('td').first().textContent()).toBe('payment');
    expect(await detail.locator('.detail-section', { hasText: 'Instrumentation scope' }).textContent()).toContain('clew-test');
  });

  it('draws from the outline and fetches a span\'s details only when it is selected', async () => {
    const page = await openCheckout();
    const requested = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/api/clew/v1/traces/')));
    const base = `/api/clew/v1/traces/${fx.checkout.traceId}`;
    // The outline, and the trace's N+1 and retry findings (a few lines): no span's details yet.
    const sorted = async () => (await requested()).sort();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/patterns')));
    expect(await sorted()).toEqual([`${base}/outline`, `${base}/patterns`]);
    await row(page, 'get cart').click();
    await page.getByRole('table', { name: 'Resource attributes' }).waitFor();
    const getCart = fx.checkout.spans.find((s) => s.name === 'get cart')!;
    expect(await sorted()).toEqual([`${base}/outline`, `${base}/patterns`, `${base}/spans/${getCart.spanId}`].sort());
  });

  it('finds spans by attribute values the outline does not carry', async () => {
    const page = await openCheckout();
    await page.getByLabel('Find spans in this trace').fill('visa');
    await page.getByTestId('match-count').filter({ hasText: 'of 1' }).waitFor();
    expect(await page.locator('[role=treeitem].match .wf-op').allTextContents()).toEqual(['charge card']);
  });

  it('draws the critical path through the spans that held the trace up', async () => {
    const page = await openCheckout();
    const onPath = async (name: string) => (await row(page, name).locator('.wf-critical').count()) > 0;
    expect(await onPath('POST /checkout')).toBe(true);
    expect(await onPath('charge card')).toBe(true);
    expect(await onPath('UPDATE ledger')).toBe(true);
    expect(await onPath('send receipt')).toBe(true);
    expect(await onPath('SELECT balance')).toBe(false);
    // Self time: charge card ran 55 ms, of which its children covered 30–78 ms.
    await row(page, 'charge card').click();
    expect(await page.getByTestId('span-detail').locator('dl.facts').textContent()).toContain('Self time7ms');
  });

  it('follows a link to the linked trace', async () => {
    const page = await openCheckout();
    await row(page, 'send receipt').click();
    await page.getByRole('link', { name: new RegExp(fx.email.traceId) }).click();
    await page.waitForURL(new RegExp(`/trace/${fx.email.traceId}`));
    await page.getByRole('heading', { name: 'email: send receipt email' }).waitFor();
    // The linked span arrives selected.
    expect(await page.getByTestId('span-detail').getByRole('heading').first().textContent()).toBe('send receipt email');
  });

  it('moves through the waterfall with the keyboard', async () => {
    const page = await openCheckout();
    await page.getByTestId('waterfall').focus();
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown']) await page.keyboard.press(key);
    expect(await page.locator('[role=treeitem][aria-selected=true] .wf-op').textContent()).toBe('charge card');
    await page.keyboard.press('ArrowLeft'); // folds charge card
    expect(await rowNames(page)).toHaveLength(5);
    await page.keyboard.press('ArrowRight'); // unfolds it
    await page.keyboard.press('ArrowRight'); // steps to its first child
    expect(await page.locator('[role=treeitem][aria-selected=true] .wf-op').textContent()).toBe('SELECT balance');
    await page.keyboard.press('ArrowLeft'); // back to the parent
    expect(await page.locator('[role=treeitem][aria-selected=true] .wf-op').textContent()).toBe('charge card');
  });

  it('finds spans inside the trace and highlights them', async () => {
    const page = await openCheckout();
    await page.getByLabel('Find spans in this trace').fill('payment');
    await page.getByTestId('match-count').filter({ hasText: 'of 3' }).waitFor();
    expect(await page.locator('[role=treeitem].match .wf-op').allTextContents()).toEqual(['charge card', 'SELECT balance', 'UPDATE ledger']);
  });

  it('switches to the flame graph and selects a span from it', async () => {
    const page = await openCheckout();
    await page.getByRole('tab', { name: 'Flame graph' }).click();
    await page.waitForURL(/view=flame/);
    const canvas = page.getByTestId('flame-graph').locator('canvas');
    const box = (await canvas.boundingBox())!;
    expect(box.height).toBe(4 * 20); // four levels deep
    // Depth 2, 50 ms into the trace: charge card (25–80 ms).
    await canvas.click({ position: { x: box.width * 0.5, y: 2 * 20 + 10 } });
    expect(await page.getByTestId('span-detail').getByRole('heading').first().textContent()).toBe('charge card');
  });

  it('shows statistics per service and operation', async () => {
    const page = await openCheckout();
    await page.getByRole('tab', { name: 'Statistics' }).click();
    const first = page.getByTestId('stats').locator('tbody tr').first();
    // The statistics view renders after the tab switch (a lazy chunk): wait for its rows before counting them.
    await first.waitFor();
    // Sorted by self time, largest first: UPDATE ledger has no children, 33 ms.
    expect((await page.getByTestId('stats').locator('tbody tr').count())).toBe(7);
    expect(await first.locator('td').nth(1).textContent()).toBe('UPDATE ledger');
  });

  it('offers the raw trace as OTLP JSON', async () => {
    const page = await openCheckout();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download OTLP JSON' }).click()]);
    const body = JSON.parse(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'));
    expect(body.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans))).toHaveLength(7);
  });

  it('says when a trace is not found', async () => {
    const page = await browser.open(`${clew().query}/trace/0123456789abcdef0123456789abcdef`);
    await page.getByRole('heading', { name: 'Trace not found' }).waitFor();
  });

  it('jumps from the error count to the error span, scrolled into view, and walks on to the next', async () => {
    const page = await browser.open(`${clew().query}/trace/${wide.traceId}`);
    await page.getByTestId('waterfall').locator('[role=treeitem]').first().waitFor();
    const errors = page.getByRole('button', { name: '2 errors' });
    const selectedName = () => selectedRow(page).locator('.wf-op').textContent();
    await errors.click();
    await waitUntil(async () => (await selectedName()) === 'item 70', 'item 70 to be selected');
    await waitUntil(() => isWithin(selectedRow(page), page.getByTestId('waterfall')), 'item 70 to be scrolled into view');
    await page.waitForURL(new RegExp(`[?&]span=${spanIdOf(wide.spans, 'item 70')}`));
    expect(await page.getByTestId('span-detail').getByRole('heading').first().textContent()).toBe('item 70');
    await errors.click();
    await waitUntil(async () => (await selectedName()) === 'item 140', 'item 140 to be selected');
    await waitUntil(() => isWithin(selectedRow(page), page.getByTestId('waterfall')), 'item 140 to be scrolled into view');
    await errors.click();
    await waitUntil(async () => (await selectedName()) === 'item 70', 'the walk to come round to item 70');
    // The checkout trace's one error is charge card.
    const checkout = await openCheckout();
    await checkout.getByRole('button', { name: '1 error' }).click();
    await waitUntil(async () => (await selectedRow(checkout).locator('.wf-op').textContent()) === 'charge card', 'charge card to be selected');
  });

  it('keeps the selected span in the URL, and opens such a URL with the span selected and scrolled to', async () => {
    const page = await openCheckout();
    await row(page, 'get cart').click();
    await page.waitForURL(new RegExp(`[?&]span=${spanIdOf(fx.checkout.spans, 'get cart')}`));
    const deep = await browser.open(`${clew().query}/trace/${wide.traceId}?span=${spanIdOf(wide.spans, 'item 120')}`);
    await deep.getByTestId('span-detail').getByRole('heading', { name: 'item 120' }).waitFor();
    expect(await selectedRow(deep).locator('.wf-op').textContent()).toBe('item 120');
    await waitUntil(() => isWithin(selectedRow(deep), deep.getByTestId('waterfall')), 'the span named in the URL to be scrolled into view');
  });

  it('names the tab after the trace and shows its start in the browser\'s zone', async () => {
    const page = await browser.open(`${clew().query}/trace/${fx.checkout.traceId}`, { timezoneId: 'Asia/Kolkata', locale: 'en-US' });
    await page.getByTestId('waterfall').locator('[role=treeitem]').first().waitFor();
    expect(await page.title()).toBe(`frontend: POST /checkout · ${fx.checkout.traceId.slice(0, 8)} — Clew`);
    const kolkata = new Date(startMs + 5.5 * 3600_000).toISOString().replace('T', ' ').replace('Z', '');
    expect(await page.locator('.trace-facts').textContent()).toContain(`Started ${kolkata} UTC+5:30`);
  });

  it.each([
    ['error', 'the error status'],
    ['declined', 'the status message'],
    ['CardDeclinedError', 'the exception type of an event'],
  ])('finds the failed span by %s (%s)', async (text) => {
    const page = await openCheckout();
    await page.getByLabel('Find spans in this trace').fill(text);
    await page.getByTestId('match-count').filter({ hasText: 'of 1' }).waitFor();
    expect(await page.locator('[role=treeitem].match .wf-op').allTextContents()).toEqual(['charge card']);
  });

  it('labels long bars with their duration inside, and short ones beside them where there is room', async () => {
    const page = await openCheckout();
    expect(await row(page, 'POST /checkout').locator('.wf-duration.inside').textContent()).toBe('100ms');
    const widePage = await browser.open(`${clew().query}/trace/${wide.traceId}`);
    await widePage.getByTestId('waterfall').locator('[role=treeitem]').first().waitFor();
    expect(await row(widePage, 'batch run').locator('.wf-duration').getAttribute('class')).toBe('wf-duration inside');
    expect(await row(widePage, 'item 0').locator('.wf-duration').getAttribute('class')).toBe('wf-duration after');
    await widePage.getByTestId('waterfall').focus();
    await widePage.keyboard.press('End'); // selects and scrolls to the last row, item 149, which ends at the right edge
    expect(await row(widePage, 'item 149').locator('.wf-duration').getAttribute('class')).toBe('wf-duration before');
  });

  it('folds a long attribute value behind "show all", wrapping at the URL\'s separators', async () => {
    const page = await openCheckout();
    await row(page, 'POST /checkout').click();
    const value = detailValue(page, 'Span attributes', 'url.full').locator('td.value');
    await value.waitFor();
    expect(await value.textContent()).not.toContain('LASTPARAM');
    expect(await value.locator('wbr').count()).toBeGreaterThan(10);
    await value.getByRole('button', { name: `show all ${LONG_URL.length.toLocaleString('en')} characters` }).click();
    expect(await value.textContent()).toBe(`${LONG_URL}show less`);
  });

  it('resizes the span detail and the name column, and remembers both', async () => {
    const page = await openCheckout();
    await row(page, 'get cart').click();
    const detail = page.getByTestId('span-detail');
    const before = (await detail.boundingBox())!.width;
    const handle = (await page.getByRole('separator', { name: 'Resize the span detail' }).boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 - 150, handle.y + 200, { steps: 4 });
    await page.mouse.up();
    const dragged = (await detail.boundingBox())!.width;
    expect(dragged).toBeGreaterThan(before + 140);
    const nameColumn = () => page.locator('.wf-ruler .wf-name').boundingBox().then((b) => b!.width);
    const nameBefore = await nameColumn();
    await page.getByRole('separator', { name: 'Resize the span name column' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await nameColumn()).toBeGreaterThan(nameBefore);
    const nameAfter = await nameColumn();
    // The URL names the selected span once the selection has rested (use-span-selection's 200 ms): a reload before
    // that opens the trace with nothing selected, and so without the detail whose width this checks.
    await page.waitForURL(/[?&]span=/);
    await page.reload();
    await page.getByTestId('span-detail').waitFor();
    expect((await page.getByTestId('span-detail').boundingBox())!.width).toBeCloseTo(dragged, 0);
    expect(await nameColumn()).toBeCloseTo(nameAfter, 0);
  });

  it('opens a 64-bit trace id from the URL and from the jump box, and shows it as 16 digits', async () => {
    const page = await browser.open(`${clew().query}/trace/${legacy.shortId}`);
    await page.getByRole('heading', { name: 'legacy: GET /orders' }).waitFor();
    expect(await page.getByTestId('trace-id').textContent()).toBe(legacy.shortId);
    const search = await browser.open(`${clew().query}/search?service=legacy`);
    const shown = search.locator(`tr[data-trace-id="${legacy.traceId}"] .trace-id`);
    expect(await shown.textContent()).toBe(legacy.shortId);
    const box = search.getByLabel('Trace id or service');
    await box.fill((await shown.textContent())!);
    await box.press('Enter');
    await search.waitForURL(`**/trace/${legacy.traceId}`);
    await search.getByRole('heading', { name: 'legacy: GET /orders' }).waitFor();
  });
});
