// What @clew/node costs a plain node:http server: the same server run twice, once plain and once under
// `node --import @clew/node/register` exporting every request's span to a real `clew serve`; rounds alternate
// between the two in the same run, driven by one load generator with keep-alive connections. Prints requests/s,
// p50/p99 latency and server CPU per request for both, and the overhead ratios.
//
//   npm run build && node bench/sdk-overhead.js      (CLEW_BENCH_SDK_ROUNDS=6 rounds of CLEW_BENCH_SDK_SECONDS=5 s,
//                                                      CLEW_BENCH_CONCURRENCY=32 connections)
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.CLEW_BENCH_SDK_ROUNDS ?? 6);
const SECONDS = Number(process.env.CLEW_BENCH_SDK_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.CLEW_BENCH_CONCURRENCY ?? 32);
const FIXTURES = fileURLToPath(new URL('../packages/sdk-node/test-fixtures/', import.meta.url));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

// With two cores the measured server has core 0 to itself; the load generator and Clew share core 1 (Clew ingests
// one span a request, a few percent of a core). lib/clew-server.js's own pinning would put Clew on core 0.
const pin = process.env.CLEW_BENCH_PIN !== '0' && availableParallelism() >= 2;
process.env.CLEW_BENCH_PIN = '0';
if (pin) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
const { startServer } = await import('./lib/clew-server.js');

const dir = await mkdtemp(join(tmpdir(), 'clew-bench-sdk-'));
const clew = await startServer(dir);

/** Starts the fixture server, instrumented or not, and resolves once it listens. */
async function startApp(instrumented) {
  const args = [...(instrumented ? ['--import', '@clew/node/register'] : []), 'plain-http.mjs'];
  const child = spawn(pin ? 'taskset' : process.execPath, [...(pin ? ['-c', '0', process.execPath] : []), ...args], {
    cwd: FIXTURES,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OTEL_SERVICE_NAME: 'bench-plain-http', OTEL_EXPORTER_OTLP_ENDPOINT: clew.otlpHttp.replace(/\/v1\/traces$/, '') },
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /"ready":(\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`plain-http.mjs exited with ${code}`)));
  });
  return {
    port,
    agent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }),
  };
}

function get(app) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: app.port, path: '/', agent: app.agent }, (res) => {
      res.on('data', () => {}).on('end', resolve);
    });
    req.on('error', reject);
  });
}

/** CONCURRENCY keep-alive loops against `app` for `seconds`: requests/s, latencies (ms) and server CPU µs/request. */
async function round(app, seconds) {
  const latencies = [];
  const cpu0 = app.cpuSeconds();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const s = performance.now();
      await get(app);
      latencies.push(performance.now() - s);
    }
  }));
  const wall = (performance.now() - t0) / 1000;
  return { rps: latencies.length / wall, latencies, cpuPerRequest: ((app.cpuSeconds() - cpu0) * 1e6) / latencies.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

const apps = { plain: await startApp(false), sdk: await startApp(true) };
const results = { plain: [], sdk: [] };
let sdkRequests = 0;
try {
  // Warm-up: JIT, connections, the SDK's first export.
  await round(apps.plain, 1);
  sdkRequests += (await round(apps.sdk, 1)).latencies.length;
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so a drift in the machine's load falls on both.
    for (const name of r % 2 ? ['sdk', 'plain'] : ['plain', 'sdk']) {
      const res = await round(apps[name], SECONDS);
      results[name].push(res);
      if (name === 'sdk') sdkRequests += res.latencies.length;
    }
  }
  // Every instrumented request's span should reach Clew (the SDK batches every 5 s; a dropped span would flatter the SDK).
  const deadline = performance.now() + 20_000;
  let stored = 0;
  while ((stored = await clew.metric('clew_store_spans_written_total')) < sdkRequests && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }

  const summary = {};
  for (const name of ['plain', 'sdk']) {
    const sorted = results[name].flatMap((r) => r.latencies).sort((a, b) => a - b);
    summary[name] = {
      rps: median(results[name].map((r) => r.rps)),
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      cpu: median(results[name].map((r) => r.cpuPerRequest)),
    };
  }
  console.log(`sdk-overhead: node:http server, ${CONCURRENCY} keep-alive connections, ${ROUNDS} alternating rounds of ${SECONDS} s each${pin ? ', server pinned to its own core' : ''}`);
  for (const [name, label] of [['plain', 'plain                       '], ['sdk', '--import @clew/node/register']]) {
    const s = summary[name];
    console.log(`  ${label}  ${fmt(s.rps)} req/s (median round)  p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  server CPU ${fmt(s.cpu)} µs/request`);
  }
  const { plain, sdk } = summary;
  console.log(`  overhead: throughput ×${(plain.rps / sdk.rps).toFixed(2)} (${((1 - sdk.rps / plain.rps) * 100).toFixed(0)}% fewer req/s), p50 ×${(sdk.p50 / plain.p50).toFixed(2)}, p99 ×${(sdk.p99 / plain.p99).toFixed(2)}, CPU/request ×${(sdk.cpu / plain.cpu).toFixed(2)} (+${fmt(sdk.cpu - plain.cpu)} µs)`);
  console.log(`  spans in Clew: ${fmt(stored)} of ${fmt(sdkRequests)} instrumented requests, warm-up included (the SDK's batch queue holds 2,048 spans and drops beyond that)`);
} finally {
  await Promise.all(Object.values(apps).map((a) => a.stop()));
  await clew.stop();
  await rm(dir, { recursive: true, force: true });
}
