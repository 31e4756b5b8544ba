import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, UnixNanos } from '@clew/model';
import { SpanKind, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess } from '@clew/testing/clew-process';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';
import { waitUntil } from './wait-for-count.js';

/*
 * Span content is hostile input. One trace whose every string a page shows carries markup, a javascript: URL or
 * awkward Unicode:
 *
 *   <img> service   <script> name       |0 ───────────────── 20|   attributes: hostile keys and values, 100k chars
 *   <img> service   javascript: name       |2 ──── 10|             event with markup; link whose attributes carry it
 *
 * Each payload sets window.__pwned if it ever runs; every page must show the literal text, make no element from it,
 * and link nowhere javascript:.
 */
const SCRIPT = '<script>window.__pwned = "script"</script>';
const IMG = '<img src=x id=pwned onerror="window.__pwned = \'img\'">';
const JS_URL = 'javascript:window.__pwned = "href"';
// Right-to-left override and mark, combining marks piled on one letter, a joined family emoji.
const UNICODE = 'a\u202Etxt.exe\u202C \u200Fשלום\u200E Z\u0336\u0321\u0353\u0344\u0308 👩‍👩‍👧‍👦';
const HUGE = `${UNICODE}${'ẞ'.repeat(100_000)}END`;

const SERVICE = `shop ${IMG}`;
const ROOT = `GET ${SCRIPT}`;
const CHILD = JS_URL;

const configDir = mkdtempSync(join(tmpdir(), 'clew-hostile-ui-'));
const configFile = join(configDir, 'clew.yaml');
// Metrics flushed within a second, so the services page lists the hostile service without the test waiting long.
writeFileSync(configFile, 'metrics:\n  flushInterval: 200ms\n');
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

const clew = useClewProcess(['--config', configFile]);
const browser = useBrowser();
const t0 = (BigInt(Date.now() - 60_000) * 1_000_000n) as UnixNanos;
const spans = hostileTrace();
const traceId = spans[0]!.traceId;

function hostileTrace(): Span[] {
  const [root, child] = makeTrace(t0, {
    service: SERVICE,
    name: ROOT,
    at: 0,
    ms: 20,
    attributes: [
      { key: IMG, value: str(SCRIPT) },
      { key: 'url.full', value: str(JS_URL) },
      { key: 'unicode', value: str(UNICODE) },
      { key: 'huge', value: str(HUGE) },
    ],
    children: [{ service: SERVICE, name: CHILD, at: 2, ms: 8, kind: SpanKind.CLIENT }],
  });
  const event = { timeUnixNano: (root!.startTimeUnixNano + 1_000_000n) as UnixNanos, name: IMG, attributes: [{ key: SCRIPT, value: str(JS_URL) }], droppedAttributesCount: 0 };
  const link = { traceId: root!.traceId, spanId: root!.spanId, traceState: '', attributes: [{ key: JS_URL, value: str(IMG) }], droppedAttributesCount: 0, flags: 1 };
  return [{ ...root!, events: [event] }, { ...child!, links: [link] }];
}

beforeAll(async () => {
  await loadTraces(clew(), [spans]);
  await waitUntil(async () => {
    const res = await getJson(`${clew().query}/api/clew/v1/metrics/services?from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`);
    return res.body.services?.some((s: { service: string }) => s.service === SERVICE) === true;
  }, 'the hostile service in the metrics', 30_000);
});

/** Opens `path`, recording console errors (a CSP violation is one) so a test can say none came. */
async function open(path: string): Promise<{ page: Page; consoleErrors: string[] }> {
  const consoleErrors: string[] = [];
  const page = await browser.open('about:blank');
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(`${clew().query}${path}`);
  return { page, consoleErrors };
}

/** Nothing ran and nothing was made from span content: no flag, no injected element, no javascript: link. */
async function expectInert(page: Page, consoleErrors: string[]): Promise<void> {
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(await page.locator('#pwned, img[src="x"]').count()).toBe(0);
  expect(await page.locator('body script').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:" i], [href*="javascript:" i], [src*="javascript:" i]').count()).toBe(0);
  expect(consoleErrors).toEqual([]);
}

const text = async (page: Page, selector: string) => (await page.locator(selector).first().textContent()) ?? '';

describe('hostile span content', () => {
  it('is sent with security headers on pages, assets and the API', async () => {
    for (const path of ['/', `/trace/${traceId}`, `/api/clew/v1/traces/${traceId}`, '/api/services', '/api/no-such-route']) {
      const res = await fetch(`${clew().query}${path}`);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      await res.arrayBuffer(); // an unread body holds the connection open, and with it Clew's shutdown
    }
    const html = await (await fetch(`${clew().query}/`)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const script = await fetch(`${clew().query}${asset}`);
    await script.arrayBuffer();
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('is enforced by the browser: an inline script is refused and reported', async () => {
    const { page, consoleErrors } = await open('/search');
    await page.locator('main').first().waitFor();
    await page.evaluate(`{ const s = document.createElement('script'); s.textContent = 'globalThis.__pwned = "inline"'; document.head.append(s); }`);
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // The same console message any violation by the app's own pages would give, which expectInert says never came.
    await waitUntil(async () => consoleErrors.some((e) => e.includes('Content Security Policy')), 'the violation to be reported');
  });

  it('shows as text on the search page', async () => {
    const { page, consoleErrors } = await open('/search');
    await page.locator('table.results tbody tr').first().waitFor();
    const row = await text(page, `table.results tr[data-trace-id="${traceId}"]`);
    expect(row).toContain(SERVICE);
    expect(row).toContain(ROOT);
    await expectInert(page, consoleErrors);
  });

  it('shows as text on the trace page: waterfall, attributes, events and links', async () => {
    const { page, consoleErrors } = await open(`/trace/${traceId}`);
    await page.getByTestId('waterfall').locator('[role=treeitem]').nth(1).waitFor();
    expect(await page.locator('[role=treeitem] .wf-op').allTextContents()).toEqual([ROOT, CHILD]);

    await page.locator('[role=treeitem]').first().click();
    await page.getByRole('table', { name: 'Span attributes' }).waitFor();
    const detail = page.getByTestId('span-detail');
    expect(await detail.getByRole('heading').first().textContent()).toBe(ROOT);
    const attrs = await text(page, 'table[aria-label="Span attributes"]');
    for (const s of [IMG, SCRIPT, JS_URL, UNICODE]) expect(attrs).toContain(s);
    // The 100k-character value is folded; unfolded, all of it is there as text.
    await detail.getByRole('button', { name: /show all 100,\d{3} characters/ }).click();
    const huge = (await text(page, 'table[aria-label="Span attributes"]')).replace(/\u200B/g, '');
    expect(huge).toContain(HUGE);
    const events = await text(page, '[data-testid=span-detail] .events');
    for (const s of [IMG, SCRIPT, JS_URL]) expect(events).toContain(s);
    await expectInert(page, consoleErrors);

    await page.locator('[role=treeitem]').nth(1).click();
    await page.getByRole('table', { name: 'Link attributes' }).waitFor();
    expect(await detail.getByRole('heading').first().textContent()).toBe(CHILD);
    const links = await text(page, '[data-testid=span-detail] .links');
    expect(links).toContain(JS_URL);
    expect(links).toContain(IMG);
    expect(await page.locator('[data-testid=span-detail] .links a').getAttribute('href')).toBe(`/trace/${traceId}?span=${spans[0]!.spanId}`);
    await expectInert(page, consoleErrors);
  });

  it('shows as text on the services page and the service page', async () => {
    const { page, consoleErrors } = await open('/');
    const row = page.locator('.services-table tbody tr').filter({ hasText: SERVICE });
    await row.waitFor();
    expect(await row.locator('.service-name').textContent()).toBe(SERVICE);
    await row.getByRole('link', { name: SERVICE }).click();
    await page.waitForURL(/\/services\//);
    await page.getByText(ROOT).first().waitFor();
    await expectInert(page, consoleErrors);
  });

  it('leaves the other pages working under the policy', async () => {
    for (const path of ['/map', '/slos', `/compare/${traceId}...${traceId}`]) {
      const { page, consoleErrors } = await open(path);
      await page.locator('main').first().waitFor();
      await page.waitForLoadState('networkidle');
      await expectInert(page, consoleErrors);
    }
  });
});
