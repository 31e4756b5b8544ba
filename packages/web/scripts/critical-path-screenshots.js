// Takes docs/screenshots/critical-path.png (the aggregate critical path of frontend GET /search) and
// docs/screenshots/trace-patterns.png (a cart trace flagged N+1) with headless Chromium against a real `clew serve`
// fed by the demo shop for a while. Run after `npm run build`:
//   node packages/web/scripts/critical-path-screenshots.js [minutes of traffic, default 3]
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
const QUERY_PORT = 17_911;
const OTLP_PORT = 17_912;

const dir = await mkdtemp(join(tmpdir(), 'clew-critical-path-screens-'));
const server = await startServer(join(dir, 'data'), ['--query-port', String(QUERY_PORT), '--otlp-http-port', String(OTLP_PORT),
  '--jaeger-http-port', '0', '--jaeger-compact-port', '0', '--jaeger-binary-port', '0', '--tempo-port', '0']);
const from = Date.now() - 60_000;
const demo = spawn(process.execPath, [CLI, 'demo', '--query-port', String(QUERY_PORT), '--otlp-http-port', String(OTLP_PORT), '--duration', `${minutes}m`], { stdio: 'inherit' });
const browser = await launchChromium();
try {
  console.log(`demo traffic for ${minutes} minutes…`);
  await new Promise((r) => demo.once('exit', r));
  await new Promise((r) => setTimeout(r, 5_000));
  const to = Date.now();
  await mkdir(OUT, { recursive: true });
  const shot = async (name, path, ready, height = 900) => {
    const page = await browser.newPage({ viewport: { width: 1440, height } });
    await page.goto(server.query + path);
    await page.locator(ready).first().waitFor({ timeout: 60_000 }).catch(async (e) => {
      console.log(await page.locator('body').innerText());
      throw e;
    });
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(OUT, name) });
    await page.close();
    console.log(`docs/screenshots/${name}`);
  };
  const q = new URLSearchParams({ service: 'frontend', operation: 'GET /search', from: String(from), to: String(to) });
  await shot('critical-path.png', `/critical-path?${q}`, '[data-testid=flame-graph] canvas', 1000);

  // The cart read with the most catalog calls: its N+1 is the longest.
  const search = new URLSearchParams({ service: 'cart', operation: 'price-cart', start: String(from), end: String(to), sort: 'spans', limit: '1' });
  const found = await (await fetch(`${server.query}/api/clew/v1/search?${search}`)).json();
  const traceId = found.traces[0]?.traceId;
  if (!traceId) throw new Error('no cart read in the demo traffic');
  await shot('trace-patterns.png', `/trace/${traceId}`, '[data-testid=trace-patterns]');
} finally {
  demo.kill();
  await browser.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
