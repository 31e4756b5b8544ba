import type { Span, TraceId, UnixNanos } from '@clew/model';
import { SpanKind } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { TreeNode } from '@clew/model/testing';
import { useClewProcess } from '@clew/testing/clew-process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';

// The compare page in real Chromium against a real `clew serve`: two checkouts, one with 2 items and one with 8.
// CLEW_UPDATE_SCREENSHOTS=1 also writes docs/screenshots/compare.png and compare-dark.png.
const clew = useClewProcess();
const browser = useBrowser();
const t0 = (BigInt(Date.now() - 60_000) * 1_000_000n) as UnixNanos;
const A = 'c0a1000000000000000000000000000a' as TraceId;
const B = 'c0a100000000000000000000000000b0' as TraceId;

/** A cart checkout: one product lookup per item (each a client span with the catalog's server span), then payment. */
function checkout(items: number, traceId: TraceId, payMs: number): Span[] {
  const lookups: TreeNode[] = Array.from({ length: items }, (_, i) => ({
    service: 'cart',
    name: 'GET /products/:id',
    kind: SpanKind.CLIENT,
    at: 2 + 4 * i,
    ms: 3.5,
    children: [{ service: 'catalog', name: 'GET /products/:id', kind: SpanKind.SERVER, at: 2.5 + 4 * i, ms: 2.5 }],
  }));
  const end = 4 + 4 * items + payMs;
  return makeTrace(
    t0,
    {
      service: 'frontend',
      name: 'POST /checkout',
      at: 0,
      ms: end + 1,
      children: [
        { service: 'cart', name: 'POST /cart/checkout', kind: SpanKind.SERVER, at: 1, ms: 4 * items + 2, children: lookups },
        items > 4 ? { service: 'payment', name: 'charge card', kind: SpanKind.SERVER, at: 4 + 4 * items, ms: payMs, error: true } : { service: 'payment', name: 'charge card', kind: SpanKind.SERVER, at: 4 + 4 * items, ms: payMs },
      ],
    },
    traceId,
  );
}

beforeAll(async () => {
  await loadTraces(clew(), [checkout(2, A, 12), checkout(8, B, 30)]);
});

const rowText = (page: import('playwright-core').Page) =>
  page
    .locator('[data-testid=compare-tree] tbody tr[data-node]')
    // The test's types have no DOM library: a row is read as what it is in the page, a list of cells.
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from((r as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells)
          .slice(0, 4)
          .map((td) => td.textContent?.trim())
          .join(' | '),
      ),
    );

describe('compare page', () => {
  it('compares two traces picked in the search results', async () => {
    const page = await browser.open(`${clew().query}/search?service=frontend`);
    await page.locator(`tr[data-trace-id="${A}"] input[type=checkbox]`).check();
    await page.locator(`tr[data-trace-id="${B}"] input[type=checkbox]`).check();
    await page.getByTestId('compare-link').click();
    await page.getByTestId('compare-tree').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/compare/${A}...${B}`);
    expect(await rowText(page)).toEqual([
      'frontend POST /checkout | 1 | 1 | =',
      'cart POST /cart/checkout | 1 | 1 | =',
      'cart GET /products/:id | 2 | 8 | +6',
      'catalog GET /products/:id | 2 | 8 | +6',
      'payment charge card | 1 | 1 | =',
    ]);
    // Total time of the product lookups: 2 × 3.5 ms in A, 8 × 3.5 ms in B: B is slower, in red.
    const lookups = page.locator('[data-testid=compare-tree] tbody tr').nth(2);
    expect(await lookups.locator('td').nth(9).textContent()).toBe('+21ms');
    expect(await lookups.locator('td').nth(9).getAttribute('data-diff')).toBe('slower');
    expect(await page.getByTestId('compare-summary').textContent()).toContain('0 only in A, 0 only in B, 2 with another span count');
    expect(await page.getByTestId('critical-path-a').locator('li').count()).toBeGreaterThan(2);
    expect(await page.getByTestId('critical-path-b').textContent()).toContain('charge card');
  });

  it('marks what only one trace has, and says when a trace is missing', async () => {
    const page = await browser.open(`${clew().query}/compare/${A}...ffff0000000000000000000000000001`);
    await page.getByText('Trace not found').waitFor();
    const swapped = await browser.open(`${clew().query}/compare/${B}...${A}`);
    await swapped.getByTestId('compare-tree').waitFor();
    const faster = swapped.locator('[data-testid=compare-tree] tbody tr').nth(2).locator('td').nth(9);
    expect(await faster.getAttribute('data-diff')).toBe('faster');
  });

  it('draws in the light and the dark scheme (and writes the README screenshots with CLEW_UPDATE_SCREENSHOTS=1)', async () => {
    const shots: Buffer[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.open(`${clew().query}/compare/${A}...${B}`, { colorScheme: scheme, viewport: { width: 1440, height: 900 } });
      await page.getByTestId('compare-tree').waitFor();
      const path = process.env.CLEW_UPDATE_SCREENSHOTS === '1'
        ? fileURLToPath(new URL(`../../../../docs/screenshots/compare${scheme === 'dark' ? '-dark' : ''}.png`, import.meta.url))
        : undefined;
      shots.push(await page.screenshot(path === undefined ? {} : { path }));
    }
    // The dark scheme is really drawn: the two pictures differ.
    expect(shots[0]!.equals(shots[1]!)).toBe(false);
  });
});
