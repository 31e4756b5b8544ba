import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceId, UnixNanos } from '@clew/model';
import { SpanKind, str } from '@clew/model';
import type { TreeNode } from '@clew/model/testing';
import { makeTrace } from '@clew/model/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import { postProto } from '@clew/testing/payloads';
import { useBrowser } from './use-browser.js';
import { attributeOfAll, waitForCount, waitUntil } from './wait-for-count.js';

/*
 * The aggregate critical path and the trace patterns in real Chromium against a real `clew serve` sent known traces
 * over OTLP: searches whose time is mostly the reviews query (frontend → catalog → SELECT categories, SELECT
 * reviews), a cart that prices six items with six catalog calls (the N+1), and a payment retried after two failures.
 */
const MINUTE = 60_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
const at = (ms: number) => (BigInt(T0 + ms) * 1_000_000n) as UnixNanos;
const id = (n: number) => `c0ffee${n.toString(16).padStart(26, '0')}` as TraceId;

const search = (slow: number): TreeNode => ({
  service: 'frontend',
  name: 'GET /search',
  at: 0,
  ms: slow + 10,
  kind: SpanKind.SERVER,
  children: [
    {
      service: 'frontend',
      name: 'GET',
      at: 1,
      ms: slow + 8,
      kind: SpanKind.CLIENT,
      children: [
        {
          service: 'catalog',
          name: 'GET /search',
          at: 2,
          ms: slow + 6,
          kind: SpanKind.SERVER,
          children: [
            { service: 'catalog', name: 'SELECT categories', at: 3, ms: 2, kind: SpanKind.CLIENT },
            { service: 'catalog', name: 'SELECT reviews', at: 6, ms: slow, kind: SpanKind.CLIENT, attributes: [{ key: 'db.query.text', value: str('SELECT * FROM reviews') }] },
          ],
        },
      ],
    },
  ],
});
const cart: TreeNode = {
  service: 'cart',
  name: 'GET /carts/:user',
  at: 0,
  ms: 40,
  kind: SpanKind.SERVER,
  children: [
    {
      service: 'cart',
      name: 'price-cart',
      at: 1,
      ms: 38,
      children: [0, 1, 2, 3, 4, 5].map((k) => ({
        service: 'cart',
        name: 'GET',
        at: 2 + 6 * k,
        ms: 5,
        kind: SpanKind.CLIENT,
        children: [{ service: 'catalog', name: 'GET /products/:id', at: 2.5 + 6 * k, ms: 4, kind: SpanKind.SERVER }],
      })),
    },
  ],
};
const checkout: TreeNode = {
  service: 'checkout',
  name: 'charge-payment',
  at: 0,
  ms: 50,
  kind: SpanKind.SERVER,
  children: [0, 1, 2].map((k) => ({ service: 'checkout', name: 'POST', at: 1 + 15 * k, ms: 10, kind: SpanKind.CLIENT, error: k < 2 })),
};
const SEARCHES = [120, 40, 260, 90, 180, 30];
const traces = [...SEARCHES.map((slow, k) => makeTrace(at(k * 30_000), search(slow), id(k))), makeTrace(at(200_000), cart, id(100)), makeTrace(at(210_000), checkout, id(101))];

const configDir = mkdtempSync(join(tmpdir(), 'clew-critical-path-ui-'));
const configFile = join(configDir, 'clew.yaml');
writeFileSync(configFile, ['metrics:', '  flushInterval: 200ms', ''].join('\n'));
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

const clew = useClewProcess(['--config', configFile]);
const browser = useBrowser();

beforeAll(async () => {
  for (const spans of traces) {
    const res = await postProto(clew().otlpHttp, spans);
    if (res.status !== 200) throw new Error(`OTLP POST answered ${res.status}: ${await res.text()}`);
  }
  await waitUntil(
    async () => {
      const r = await getJson(`${clew().query}/api/clew/v1/metrics/services/frontend?from=${T0 - MINUTE}&to=${T0 + 20 * MINUTE}`);
      return r.body.operations?.some((o: { operation: string; figures: { count: number } }) => o.operation === 'GET /search' && o.figures.count >= SEARCHES.length);
    },
    'the searches to be counted in the metrics',
    30_000,
  );
  await waitUntil(
    async () => {
      const r = await getJson(`${clew().query}/api/clew/v1/critical-path?service=frontend&operation=GET%20%2Fsearch&from=${T0 - MINUTE}&to=${T0 + 20 * MINUTE}`);
      const patterns = await getJson(`${clew().query}/api/clew/v1/traces/${id(101)}/patterns`);
      return r.body.used === SEARCHES.length && patterns.status === 200;
    },
    'the traces to be in the store',
    30_000,
  );
});

describe('aggregate critical path', () => {
  it('opens from an operation on its service\'s page and puts the slow query on top, with the merged flame graph', async () => {
    const page = await browser.open(`${clew().query}/services/frontend`);
    const row = page.locator('.operations-table tr[data-operation="GET /search"]');
    await row.locator('a.critical-path-link').click();
    await page.waitForURL(/\/critical-path\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('service')).toBe('frontend');
    expect(url.searchParams.get('operation')).toBe('GET /search');
    await waitForCount(page.locator('[data-testid=critical-path-table] tbody tr'), 5);
    const names = await attributeOfAll(page.locator('[data-testid=critical-path-table] tbody tr'), 'data-operation');
    expect(names[0]).toBe('SELECT reviews');
    // 720 ms of the 780 ms of critical path is the reviews query.
    expect(await page.locator('[data-testid=critical-path-table] tbody tr').first().textContent()).toContain('92.3%');
    expect(await page.getByTestId('critical-path-summary').textContent()).toContain(`${SEARCHES.length} traces`);
    const canvas = page.locator('[data-testid=flame-graph] canvas');
    await canvas.waitFor();
    // The top row is the endpoint itself across the whole width; a click on it says so.
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width / 2, y: 10 } });
    expect(await page.getByTestId('flame-selection').textContent()).toMatch(/frontend: GET \/search — 780ms on the critical path .* in 6 of 6 traces/);
  });

  it('says so when the endpoint has no traces in the window', async () => {
    const page = await browser.open(`${clew().query}/critical-path?service=frontend&operation=nothing&from=${T0}&to=${T0 + MINUTE}`);
    await page.getByTestId('critical-path-empty').waitFor();
  });
});

describe('trace patterns', () => {
  it('flags the cart\'s repeated catalog calls as an N+1, and a click marks the six calls', async () => {
    const page = await browser.open(`${clew().query}/trace/${id(100)}`);
    const finding = page.locator('[data-testid=trace-patterns] [data-pattern=n-plus-one]');
    await finding.waitFor();
    expect(await finding.textContent()).toContain('cart GET → catalog GET /products/:id called 6 times one after another');
    await finding.click();
    await waitForCount(page.locator('.wf-row.match'), 6);
    expect(await finding.getAttribute('aria-pressed')).toBe('true');
    // The first call is selected (the URL follows the selection after a moment).
    const first = traces[SEARCHES.length]!.find((s) => s.name === 'GET')!.spanId;
    await page.waitForURL((u) => u.searchParams.get('span') === first);
    await finding.click();
    await waitForCount(page.locator('.wf-row.match'), 0);
  });

  it('flags the payment attempts as a retry that succeeded, and shows nothing on a trace without patterns', async () => {
    const page = await browser.open(`${clew().query}/trace/${id(101)}`);
    const finding = page.locator('[data-testid=trace-patterns] [data-pattern=retry]');
    await finding.waitFor();
    expect(await finding.textContent()).toContain('3 attempts, 2 failed, then succeeded');
    const plain = await browser.open(`${clew().query}/trace/${id(0)}`);
    await plain.locator('.wf-row').first().waitFor();
    await waitUntil(async () => (await getJson(`${clew().query}/api/clew/v1/traces/${id(0)}/patterns`)).status === 200, 'the patterns answer');
    expect(await plain.locator('[data-testid=trace-patterns]').count()).toBe(0);
  });
});
