// Takes the screenshots in docs/screenshots/ with headless Chromium against a real `clew serve` loaded with
// realistic traces. Run after `npm run build`:  node packages/web/scripts/screenshots.js
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.js';
import { seedRealisticTraces } from './seed-traces.js';

process.env.CLEW_BENCH_PIN = '0'; // read when clew-server.js loads, below
const { startServer } = await import('../../../bench/lib/clew-server.js');
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'clew-screens-'));
const browser = await launchChromium();
// Every port free-picked, so that the screenshots never meet a Clew already serving on the default ports.
const server = await startServer(dir, ['--jaeger-http-port', '0', '--jaeger-compact-port', '0', '--jaeger-binary-port', '0', '--tempo-port', '0']);
try {
  await seedRealisticTraces(server.otlpHttp, { traces: 400, seed: 21 });
  await new Promise((r) => setTimeout(r, 1500)); // acknowledged spans reach the store a moment later
  await mkdir(OUT, { recursive: true });
  const shot = async (name, colorScheme, go) => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme });
    await go(page);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, name) });
    await page.close();
    console.log(`docs/screenshots/${name}`);
  };
  // The busiest trace with an error makes the most telling trace view.
  const found = await (await fetch(`${server.query}/api/clew/v1/search?limit=200`)).json();
  const pick = found.traces.filter((t) => t.errorCount > 0 && t.spanCount >= 20).sort((a, b) => b.spanCount - a.spanCount)[0] ?? found.traces[0];
  const traceUrl = `${server.query}/trace/${pick.traceId}`;
  const openTrace = async (page, view = '') => {
    await page.goto(traceUrl + view);
    await page.locator(view ? '[data-testid=flame-graph] canvas' : '[role=treeitem]').first().waitFor();
  };
  const selectErrorSpan = async (page) => page.locator('[role=treeitem].error').last().click();

  await shot('search.png', 'light', async (page) => {
    await page.goto(`${server.query}/search?service=frontend`);
    await page.locator('table.results tbody tr').first().waitFor();
  });
  await shot('trace.png', 'light', async (page) => {
    await openTrace(page);
    await selectErrorSpan(page);
  });
  await shot('trace-dark.png', 'dark', async (page) => {
    await openTrace(page);
    await selectErrorSpan(page);
  });
  await shot('flame-graph.png', 'light', (page) => openTrace(page, '?view=flame'));
  await shot('search-dark.png', 'dark', async (page) => {
    await page.goto(`${server.query}/search`);
    await page.locator('table.results tbody tr').first().waitFor();
  });
} finally {
  await browser.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
