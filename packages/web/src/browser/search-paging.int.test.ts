import type { Span, TraceId, UnixNanos } from '@clew/model';
import type { TreeNode } from '@clew/model/testing';
import { makeTrace } from '@clew/model/testing';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import { postProto } from '@clew/testing/payloads';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';
import { waitForCount, waitUntil } from './wait-for-count.js';

// Paging, sorting and the scatter of every match, in real Chromium against a real `clew serve`.
const clew = useClewProcess();
const browser = useBrowser();
const minutesAgo = (m: number) => (BigInt(Math.round(Date.now() - m * 60_000)) * 1_000_000n) as UnixNanos;
const trace = (m: number, root: TreeNode, traceId?: TraceId): Span[] => makeTrace(minutesAgo(m), root, traceId);
const idOf = (spans: Span[]) => spans[0]!.traceId;

// Five `paging` traces, 50 down to 30 minutes ago, oldest first; three more arrive while the pages are read.
const paging = [50, 45, 40, 35, 30].map((m, i) => trace(m, { service: 'paging', name: `job ${i}`, at: 0, ms: 5 }));
const newer = [3, 2, 1].map((m, i) => trace(m, { service: 'paging', name: `late job ${i}`, at: 0, ms: 5 }));

//   sorting traces, oldest first:   duration   spans
//     a  20 min ago                   30 ms      4
//     b  19 min ago                   80 ms      2
//     c  18 min ago                   10 ms      6
//     d  17 min ago                   50 ms      3
//     e  16 min ago                   20 ms      5
const sorting = Object.fromEntries(
  ([['a', 20, 30, 4], ['b', 19, 80, 2], ['c', 18, 10, 6], ['d', 17, 50, 3], ['e', 16, 20, 5]] as const).map(([name, m, ms, spans]) => [
    name,
    trace(m, { service: 'sorting', name, at: 0, ms, children: Array.from({ length: spans - 1 }, (_, i) => ({ service: 'sorting', name: `step ${i}`, at: 0, ms: 1 })) }),
  ]),
) as Record<'a' | 'b' | 'c' | 'd' | 'e', Span[]>;
const idsOf = (...names: ('a' | 'b' | 'c' | 'd' | 'e')[]) => names.map((n) => idOf(sorting[n]));

// More `bulk` traces than the scatter plots (2,000), one span each, over the last 30 minutes. Their ids are their
// own: makeTraceId's come round again after a few thousand ids ('…a27' is both the 39th and the 2,599th).
const BULK = 2_100;
const bulkId = (i: number) => `b${i.toString(16).padStart(31, '0')}` as TraceId;
const bulk = Array.from({ length: BULK }, (_, i) => trace(30 - (i * 30) / BULK, { service: 'bulk', name: 'tick', at: 0, ms: 1 }, bulkId(i))).flat();

beforeAll(async () => {
  await loadTraces(clew(), [...paging, ...Object.values(sorting)]);
  const res = await postProto(clew().otlpHttp, bulk);
  if (res.status !== 200) throw new Error(`OTLP POST answered ${res.status}`);
  const counted = async () => (await getJson(`${clew().query}/api/clew/v1/search?service=bulk&limit=1&start=${Date.now() - 3600_000}`)).body.total === BULK;
  await waitUntil(counted, `all ${BULK} bulk traces to be searchable`, 30_000);
});

const rows = (page: Page) => page.locator('table.results tbody tr');
// Read in one go in the page: the rows may be replaced while they are read.
// (The tests are type-checked without the DOM's types, hence the element's shape spelled out.)
type Element = { getAttribute(name: string): string | null };
const rowIds = (page: Page) => rows(page).evaluateAll((trs) => trs.map((tr) => (tr as unknown as Element).getAttribute('data-trace-id')));
const range = (page: Page) => page.getByTestId('result-range').textContent();
const newSince = (page: Page, text: string) => page.getByTestId('new-since').filter({ hasText: text }).waitFor();
const showing = async (page: Page, ids: string[]) => {
  let last: (string | null)[] = [];
  await waitUntil(async () => JSON.stringify((last = await rowIds(page))) === JSON.stringify(ids), `rows ${ids.join(', ')}`).catch((e: Error) => {
    throw new Error(`${e.message}; showing ${last.join(', ')}`);
  });
};

describe('search paging', () => {
  it('pages with the first page\'s anchor while new traces arrive: no row twice, and says how many arrived', async () => {
    const page = await browser.open(`${clew().query}/search?service=paging&limit=2`);
    await waitForCount(rows(page), 2);
    const seen = await rowIds(page);
    expect(seen).toEqual([idOf(paging[4]!), idOf(paging[3]!)]);
    await loadTraces(clew(), newer);

    await page.getByRole('button', { name: 'Older ›' }).click();
    await page.waitForURL(/offset=2/);
    expect(new URL(page.url()).searchParams.get('anchor')).toMatch(/^\d+:[0-9a-f]{32}$/);
    await newSince(page, '3 new traces since these results');
    expect(await rowIds(page)).toEqual([idOf(paging[2]!), idOf(paging[1]!)]);
    expect(await range(page)).toBe('3–4 of 5 traces');
    seen.push(...(await rowIds(page)));

    await page.getByRole('button', { name: 'Older ›' }).click();
    await page.waitForURL(/offset=4/);
    await showing(page, [idOf(paging[0]!)]);
    expect(await range(page)).toBe('5–5 of 5 traces');
    seen.push(...(await rowIds(page)));
    expect(seen).toEqual(paging.map(idOf).reverse());

    // Back on the first page the anchor holds: the same rows as before, and the count of what arrived since.
    await page.getByRole('button', { name: '‹ Newer' }).click();
    await page.getByRole('button', { name: '‹ Newer' }).click();
    await page.waitForURL((url) => !url.searchParams.has('offset'));
    await showing(page, [idOf(paging[4]!), idOf(paging[3]!)]);
    await newSince(page, '3 new traces since these results');

    await page.getByRole('link', { name: 'Show the newest' }).click();
    await page.waitForURL((url) => !url.searchParams.has('anchor'));
    await showing(page, [idOf(newer[2]!), idOf(newer[1]!)]);
    expect(await range(page)).toBe('1–2 of 8 traces');
    expect(await page.getByTestId('new-since').count()).toBe(0);
  });

  it('sorts by duration and by span count, keeping the order in the URL', async () => {
    const page = await browser.open(`${clew().query}/search?service=sorting`);
    await waitForCount(rows(page), 5);
    expect(await rowIds(page)).toEqual(idsOf('e', 'd', 'c', 'b', 'a'));
    await page.getByLabel('Sort results').selectOption('duration');
    await page.waitForURL(/sort=duration/);
    await showing(page, idsOf('b', 'd', 'a', 'e', 'c'));
    await page.getByLabel('Sort results').selectOption('spans');
    await page.waitForURL(/sort=spans/);
    await showing(page, idsOf('c', 'e', 'a', 'd', 'b'));
    await page.reload();
    await waitForCount(rows(page), 5);
    expect(await rowIds(page)).toEqual(idsOf('c', 'e', 'a', 'd', 'b'));
    expect(await page.getByLabel('Sort results').inputValue()).toBe('spans');
  });

  it('plots a uniform sample when there are more matches than the scatter holds, and says so', async () => {
    const page = await browser.open(`${clew().query}/search?service=bulk`);
    await waitForCount(rows(page), 20);
    await page.getByTestId('scatter-caption').filter({ hasText: 'Showing 2,000 of 2,100 matching traces, a uniform sample' }).waitFor();
    expect(await range(page)).toBe('1–20 of 2,100 traces');
  });
});
