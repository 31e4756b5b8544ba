// Takes the service health screenshots in docs/screenshots/ (services, service, service-map, slo; light and dark)
// with headless Chromium against a real `clew serve` fed by the demo shop (`clew demo`) for a while. Run after
// `npm run build`:  node packages/web/scripts/health-screenshots.js [minutes of traffic, default 20]
// (SHOTS=service-map,slo for only some of them)
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.js';

process.env.CLEW_BENCH_PIN = '0'; // read when clew-server.js loads, below
const { startServer } = await import('../../../bench/lib/clew-server.js');
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const minutes = Number(process.argv[2] ?? 20);
const QUERY_PORT = 17_901;
const OTLP_PORT = 17_902;

const dir = await mkdtemp(join(tmpdir(), 'clew-health-screens-'));
// The demo's payment fails one request in five: an availability SLO of 99% for it burns, one for catalog's
// product pages does not. The first comes from the config file (read-only in the UI), the second from the API.
const config = join(dir, 'clew.yaml');
await writeFile(
  config,
  ['slos:', '  - id: payment-availability', '    name: Payment availability', '    description: Card authorisations succeed.', '    service: payment',
    '    objective: { kind: availability }', '    target: 0.99', '    window: 7d', ''].join('\n'),
);
const server = await startServer(join(dir, 'data'), ['--config', config, '--query-port', String(QUERY_PORT), '--otlp-http-port', String(OTLP_PORT),
  '--jaeger-http-port', '0', '--jaeger-compact-port', '0', '--jaeger-binary-port', '0', '--tempo-port', '0']);
const demo = spawn(process.execPath, [CLI, 'demo', '--query-port', String(QUERY_PORT), '--otlp-http-port', String(OTLP_PORT), '--duration', `${minutes}m`], { stdio: 'inherit' });
const browser = await launchChromium();
try {
  const res = await fetch(`${server.query}/api/clew/v1/slos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'catalog-latency', name: 'Catalog product pages', service: 'catalog', operation: 'GET /products/:id', objective: { kind: 'latency', thresholdMs: 250 }, target: 0.99, window: '28d' }),
  });
  if (!res.ok) throw new Error(`creating the catalog SLO answered ${res.status}: ${await res.text()}`);
  console.log(`demo traffic for ${minutes} minutes…`);
  await new Promise((r) => demo.once('exit', r));
  // Minutes are written once no call is still waiting for its other side (metrics.serviceGraphWait): with the load
  // stopped, wait for the last ones to be written.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const text = await (await fetch(`${server.query}/metrics`)).text();
    const pending = Number(/clew_service_graph_pending_edges (\d+)/.exec(text)?.[1] ?? 0);
    const flushes = Number(/clew_span_metrics_flushes_total\{outcome="ok"\} (\d+)/.exec(text)?.[1] ?? 0);
    if ((pending === 0 && flushes > 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 11_000)); // and one more flush (every 10 s) for what the last made
  await mkdir(OUT, { recursive: true });
  // SHOTS=service-map,slo takes only those (and their dark variants).
  const only = process.env.SHOTS?.split(',');
  const shot = async (name, colorScheme, path, ready) => {
    if (only && !only.includes(name.replace(/(-dark)?\.png$/, ''))) return;
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme });
    await page.goto(server.query + path);
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(OUT, name) });
    await page.close();
    console.log(`docs/screenshots/${name}`);
  };
  for (const [suffix, scheme] of [['', 'light'], ['-dark', 'dark']]) {
    await shot(`services${suffix}.png`, scheme, '/?window=15m&sort=p99', '.services-table tbody tr');
    await shot(`service${suffix}.png`, scheme, '/services/catalog?window=15m', '[data-testid=chart-latency] canvas');
    await shot(`service-map${suffix}.png`, scheme, '/map?window=15m', '[data-node]');
    await shot(`slo${suffix}.png`, scheme, '/slos/payment-availability', '[data-testid=chart-budget] canvas');
  }
  await shot('slos.png', 'light', '/slos', 'tr[data-slo]');
} finally {
  demo.kill();
  await browser.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
