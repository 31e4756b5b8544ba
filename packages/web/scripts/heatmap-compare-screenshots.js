// Takes docs/screenshots/heatmap-compare.png and heatmap-compare-dark.png: the search page's latency heatmap of the
// catalog's database calls (client spans) with the slow band selected and what is different about it; and
// heatmap-compare-descendants.png: the catalog's GET /search requests, the slow ones compared with what each called.
// With headless Chromium against a real `clew serve` fed by the demo shop for a while. Run after `npm run build`:
//   node packages/web/scripts/heatmap-compare-screenshots.js [minutes of traffic, default 3]
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.js';

process.env.CLEW_BENCH_PIN = '0'; // read when clew-server.js loads, below
const { startServer } = await import('../../../bench/lib/clew-server.js');
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const minutes = Number(process.argv[2] ?? 3);
const QUERY_PORT = 17_921;
const OTLP_PORT = 17_922;

const dir = await mkdtemp(join(tmpdir(), 'clew-heatmap-screens-'));
const server = await startServer(join(dir, 'data'), ['--query-port', String(QUERY_PORT), '--otlp-http-port', String(OTLP_PORT),
  '--jaeger-http-port', '0', '--jaeger-compact-port', '0', '--jaeger-binary-port', '0', '--tempo-port', '0']);
const from = Date.now() - 30_000;
const demo = spawn(process.execPath, [CLI, 'demo', '--query-port', String(QUERY_PORT), '--otlp-http-port', String(OTLP_PORT), '--duration', `${minutes}m`], { stdio: 'inherit' });
const browser = await launchChromium();
try {
  console.log(`demo traffic for ${minutes} minutes…`);
  await new Promise((r) => demo.once('exit', r));
  await new Promise((r) => setTimeout(r, 5_000));
  const to = Date.now();
  await mkdir(OUT, { recursive: true });

  // The slow band: from the row of the median reviews query up, as one would brush the top of the map.
  const window = { start: String(from), end: String(to) };
  const heatmap = async (q) => (await fetch(`${server.query}/api/clew/v1/search/heatmap?${new URLSearchParams({ ...q, ...window })}`)).json();
  const reviews = await heatmap({ service: 'catalog', operation: 'SELECT reviews' });
  const byDuration = reviews.cells.flatMap((c) => Array(c.count).fill(c.d)).sort((a, b) => a - b);
  const median = reviews.durationBuckets.find((b) => b.d === byDuration[Math.floor(byDuration.length / 2)]);
  if (!median) throw new Error('no catalog SELECT reviews in the demo traffic');
  const selMinDuration = `${Math.floor(median.minNanos / 1e6)}ms`;
  const search = new URLSearchParams({ service: 'catalog', spanKind: 'client', lookback: 'custom', ...window, selMinDuration });
  console.log(`/search?${search}`);
  // The busiest cell of the selected band, to hover: the read-out under the map says what a cell holds.
  const map = await heatmap({ service: 'catalog', spanKind: 'client' });
  const rows = map.durationBuckets.length;
  const hot = map.cells.filter((c) => c.d >= median.d).sort((a, b) => b.count - a.count)[0];

  for (const [name, colorScheme] of [['heatmap-compare.png', 'light'], ['heatmap-compare-dark.png', 'dark']]) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme });
    await page.goto(`${server.query}/search?${search}`);
    await page.locator('[data-testid=compare-table] tbody tr').first().waitFor({ timeout: 60_000 }).catch(async (e) => {
      console.log(await page.locator('body').innerText());
      throw e;
    });
    const plot = await page.getByTestId('heatmap-plot').boundingBox();
    const row = hot.d - map.durationBuckets[0].d;
    await page.mouse.move(plot.x + ((hot.t + 0.5) * plot.width) / map.timeBuckets, plot.y + ((rows - row - 0.5) * plot.height) / rows);
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(OUT, name) });
    await page.close();
    console.log(`docs/screenshots/${name}`);
  }

  // The catalog's GET /search requests: the slow ones (a term no product name has, the reviews scan below them)
  // against the quick ones, each counted with the spans below it. The band starts at the widest gap in durations.
  const requests = { service: 'catalog', operation: 'GET /search', spanKind: 'server' };
  const searches = await heatmap(requests);
  const occupied = [...new Set(searches.cells.map((c) => c.d))].sort((a, b) => a - b);
  let gap = 1;
  for (let i = 1; i < occupied.length; i++) if (occupied[i] - occupied[i - 1] > occupied[gap] - occupied[gap - 1]) gap = i;
  const slowFrom = searches.durationBuckets.find((b) => b.d === occupied[gap]);
  if (!slowFrom) throw new Error('no slow and quick catalog GET /search in the demo traffic');
  const described = new URLSearchParams({ ...requests, lookback: 'custom', ...window, selMinDuration: `${Math.floor(slowFrom.minNanos / 1e6)}ms`, descendants: 'true' });
  console.log(`/search?${described}`);
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
  await page.goto(`${server.query}/search?${described}`);
  await page.locator('[data-testid=compare-table] tbody tr').first().waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(OUT, 'heatmap-compare-descendants.png') });
  await page.close();
  console.log('docs/screenshots/heatmap-compare-descendants.png');
} finally {
  demo.kill();
  await browser.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
