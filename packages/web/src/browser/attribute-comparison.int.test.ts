import type { Page } from 'playwright-core';
import type { TraceId, UnixNanos } from '@clew/model';
import { SpanKind, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';
import { attributeOfAll, waitForCount, waitUntil } from './wait-for-count.js';

/*
 * The search page's heatmap and "what is different" table in real Chromium against a real `clew serve`. 24
 * one-span traces of `shop GET /items`, one every 10 s over the last few minutes:
 *
 *   k = 0..5    800 ms   region=eu                       (k = 0, 1: ERROR)
 *   k = 6..8     10 ms   region=eu
 *   k = 9..23    10 ms   region=us
 *
 * every one with its own request.id (an id, to be grouped), and below it a `db SELECT items` span whose db.plan is
 * "full scan" under the slow ones and "index" under the rest. Brushing the slow band selects the six slow spans:
 * region=eu is on all of them and on 3 of the other 18 (16.7%), the largest difference in share; counted with the
 * spans below them, db.plan=full scan (100% against 0%) comes first.
 */
const T0 = Date.now() - 5 * 60_000;
const slow = (k: number) => k < 6;
const traces = Array.from({ length: 24 }, (_, k) =>
  makeTrace(
    (BigInt(T0 + k * 10_000) * 1_000_000n) as UnixNanos,
    {
      service: 'shop',
      name: 'GET /items',
      at: 0,
      ms: slow(k) ? 800 : 10,
      kind: SpanKind.SERVER,
      error: k < 2,
      attributes: [
        { key: 'region', value: str(k < 9 ? 'eu' : 'us') },
        { key: 'request.id', value: str(`req-${k}`) },
      ],
      children: [{ service: 'db', name: 'SELECT items', at: 1, ms: slow(k) ? 700 : 5, kind: SpanKind.CLIENT, attributes: [{ key: 'db.plan', value: str(slow(k) ? 'full scan' : 'index') }] }],
    },
    `a77c0de${k.toString(16).padStart(25, '0')}` as TraceId,
  ),
);

const clew = useClewProcess();
const browser = useBrowser();
const results = (page: Page) => page.locator('table.results tbody tr');
const compareRows = (page: Page) => page.locator('[data-testid=compare-table] tbody tr');

/** Drags across the heatmap's whole width, from its top down to the middle: the slow band (800 ms), not the 10 ms one. */
async function brushSlowBand(page: Page): Promise<void> {
  const plot = page.getByTestId('heatmap-plot');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  await page.mouse.up();
}

describe('heatmap and attribute comparison', () => {
  it('loads the traces', async () => {
    await loadTraces(clew(), traces);
  });

  it('draws every matching span, errors counted', async () => {
    const page = await browser.open(`${clew().query}/search?service=shop&lookback=15m`);
    await page.getByTestId('heatmap-caption').filter({ hasText: 'All 24 matching spans (2 with errors, in red)' }).waitFor();
    expect(await page.getByTestId('heatmap-plot').count()).toBe(1);
  });

  it('ranks region=eu first for the brushed slow band, with both percentages, and a click adds it as a filter', async () => {
    const page = await browser.open(`${clew().query}/search?service=shop&lookback=15m`);
    const heatmapRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/search/heatmap')) heatmapRequests.push(r.url());
    });
    await page.getByTestId('heatmap-plot').waitFor();
    heatmapRequests.length = 0; // the first one may be seen or not, depending on when the page asked
    await brushSlowBand(page);
    await page.waitForURL((u) => u.searchParams.has('selMinDuration'));
    const url = new URL(page.url());
    // Across the whole width: a duration band only, open at the top.
    expect([url.searchParams.get('selStart'), url.searchParams.get('selEnd'), url.searchParams.get('selMaxDuration')]).toEqual([null, null, null]);
    await compareRows(page).first().waitFor();
    expect(await page.getByTestId('compare-summary').textContent()).toContain('6 selected spans against the other 18 matching spans');
    const first = compareRows(page).first();
    expect([await first.getAttribute('data-key'), await first.getAttribute('data-value'), await first.getAttribute('data-scope')]).toEqual(['region', 'eu', 'span']);
    expect(await first.getByTestId('selection-percent').textContent()).toBe('100%');
    expect(await first.getByTestId('baseline-percent').textContent()).toBe('16.7%');
    // The errors are a third of the selection and none of the rest: second.
    expect(await attributeOfAll(compareRows(page), 'data-value')).toEqual(['eu', 'error']);
    // request.id is an id: set aside with the reason, not ranked value by value.
    const aside = page.locator('[data-testid=compare-set-aside] li[data-key="request.id"]');
    expect(await aside.getAttribute('data-reason')).toBe('high-cardinality');
    expect(await aside.textContent()).toContain('24 distinct values');
    expect(await page.getByTestId('compare-sample').count()).toBe(0);
    // Brushing is not a new search: the relative window keeps its end, so the heatmap is not asked again.
    expect(heatmapRequests).toEqual([]);

    await first.getByRole('button', { name: 'eu' }).click();
    await page.waitForURL((u) => u.searchParams.getAll('attr').includes('region=eu'));
    await page.locator('.attr-filters .chip', { hasText: 'region=eu' }).waitFor();
    await waitForCount(results(page), 9);
    await page.getByTestId('heatmap-caption').filter({ hasText: 'All 9 matching spans' }).waitFor();
    // The selection stays: within region=eu, the slow ones are 6 of 9 and region=eu says nothing more (nine
    // request ids are too few to be taken for an id: each is ranked, below the errors).
    await page.getByTestId('compare-summary').filter({ hasText: '6 selected spans against the other 3' }).waitFor();
    const values = await attributeOfAll(compareRows(page), 'data-value');
    expect(values[0]).toBe('error');
    expect(values).not.toContain('eu');
  });

  it('reproduces the comparison from its link, compares the errors, and clears', async () => {
    const page = await browser.open(`${clew().query}/search?service=shop&lookback=15m&selMinDuration=400ms`);
    await compareRows(page).first().waitFor();
    expect(await page.getByTestId('heatmap-selection').count()).toBe(1);
    expect(await compareRows(page).first().getAttribute('data-value')).toBe('eu');

    await page.getByTestId('compare-errors').click();
    await page.waitForURL((u) => u.searchParams.get('selection') === 'errors' && !u.searchParams.has('selMinDuration'));
    await page.getByTestId('compare-summary').filter({ hasText: '2 selected spans against the other 22' }).waitFor();
    // Both errors are slow eu requests: eu on 100% of them and 7 of the other 22.
    const first = compareRows(page).first();
    expect(await first.getAttribute('data-value')).toBe('eu');
    expect(await first.getByTestId('baseline-percent').textContent()).toBe('31.8%');
    expect(await page.locator('[data-testid=compare-set-aside] li[data-key=status]').getAttribute('data-reason')).toBe('excluded');

    await page.getByTestId('clear-selection').click();
    await waitUntil(async () => (await page.getByTestId('compare-panel').count()) === 0, 'the comparison to close');
    expect(new URL(page.url()).searchParams.has('selection')).toBe(false);
  });

  it('counts what each span called when asked: the slow requests\' query plan ranks first, not clickable as a filter', async () => {
    const page = await browser.open(`${clew().query}/search?service=shop&lookback=15m&selMinDuration=400ms`);
    await compareRows(page).first().waitFor();
    expect(await compareRows(page).first().getAttribute('data-value')).toBe('eu');
    await page.getByTestId('compare-descendants').click();
    await page.waitForURL((u) => u.searchParams.get('descendants') === 'true');
    await page.getByTestId('compare-summary').filter({ hasText: 'each with the spans below it' }).waitFor();
    const first = compareRows(page).first();
    await waitUntil(async () => (await first.getAttribute('data-value')) === 'full scan', 'db.plan=full scan to rank first');
    expect(await first.getAttribute('data-key')).toBe('db.plan');
    expect(await first.getByTestId('selection-percent').textContent()).toBe('100%');
    expect(await first.getByTestId('baseline-percent').textContent()).toBe('0%');
    // On the span below, not on the request: the search cannot add it as a condition.
    expect(await first.getByRole('button').count()).toBe(0);
    if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT });
    // The request's own region=eu is still ranked, below it, and still a filter.
    const eu = page.locator('[data-testid=compare-table] tbody tr[data-value="eu"]');
    expect(await eu.getByRole('button', { name: 'eu' }).count()).toBe(1);
  });
});
