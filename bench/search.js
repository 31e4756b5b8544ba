// Search benchmark: pages of search results as the UIs ask for them, from a real `clew serve` over a DuckDB store of
// realistic spans.
//
//   npx tsc -b && node bench/search.js                            # loads 1M spans into a temporary data directory
//   CLEW_BENCH_SPANS=200000 node bench/search.js                  # a quick run
//   CLEW_BENCH_SEARCH_DIR=/tmp/clew-search node bench/search.js   # keeps the data and reuses it on the next run
//
// Prints p50/p99 latency over HTTP of: Clew's native search page (20 rows with root, duration and counts per service)
// by service and by service + operation, the same sorted by duration, the scatter's points, Jaeger UI 2.19+'s
// /api/v3/trace-summaries and Jaeger v1's /api/traces. A route the server does not have (an older build) is skipped.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDBStore } from '@clew/storage';
import { startServer } from './lib/clew-server.js';
import { generateTraces } from './lib/generate.js';

const TOTAL = Number(process.env.CLEW_BENCH_SPANS ?? 1_000_000);
const QUERIES = Number(process.env.CLEW_BENCH_QUERIES ?? 40);
const BATCH = 16_384;
const WINDOW_FILE = 'search-bench.json';
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const keepDir = process.env.CLEW_BENCH_SEARCH_DIR;
const dataDir = keepDir ?? (await mkdtemp(join(tmpdir(), 'clew-bench-search-')));
const storeDir = join(dataDir, 'store');
await mkdir(storeDir, { recursive: true });
if ((await readdir(storeDir)).filter((f) => f.endsWith('.duckdb')).length === 0) {
  console.log(`clew search benchmark: loading ${fmt(TOTAL)} spans into ${storeDir}`);
  const store = await openDuckDBStore({ dir: storeDir, memoryLimit: '2GB', checkpointIntervalMs: 0 });
  const t = performance.now();
  let stored = 0;
  let pending = [];
  let newest = 0n;
  const ops = new Map();
  for (const trace of generateTraces({ seed: 42 })) {
    pending.push(...trace);
    if (trace[0].startTimeUnixNano > newest) newest = trace[0].startTimeUnixNano;
    for (const s of trace) if (s.resource === trace[0].resource && s.kind === 2) ops.set(s.name, (ops.get(s.name) ?? 0) + 1);
    if (pending.length >= BATCH) {
      // No walPosition: the server's own write-ahead log starts empty and must not see these as already replayed.
      await store.append(pending);
      stored += pending.length;
      pending = [];
      if (stored >= TOTAL) break;
    }
  }
  await store.close();
  const rootOps = [...ops.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  await writeFile(join(dataDir, WINDOW_FILE), JSON.stringify({ newest: newest.toString(), rootOps }));
  console.log(`  stored ${fmt(stored)} spans in ${fmt((performance.now() - t) / 1000, 1)} s\n`);
} else {
  console.log(`clew search benchmark: querying the data already in ${dataDir}\n`);
}

const { newest: newestText, rootOps } = JSON.parse(await readFile(join(dataDir, WINDOW_FILE), 'utf8'));
const newest = BigInt(newestText);
// The last hour, as the UIs ask by default, ending just after the newest trace stored.
const startMs = Number((newest - 3_600_000_000_000n) / 1_000_000n);
const endMs = Number(newest / 1_000_000n) + 1000;
const rfc = (ms) => new Date(ms).toISOString();

const server = await startServer(dataDir);
const base = server.query;

function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `${fmt(q(0.5), 1)} / ${fmt(q(0.99), 1)}`;
}

const SERVICES = ['frontend', 'checkout', 'cart', 'payment', 'inventory', 'users'];
const CASES = [
  ['native search, newest 20 by service', (i) => `/api/clew/v1/search?service=${SERVICES[i % SERVICES.length]}&start=${startMs}&end=${endMs}&limit=20`],
  ['native search, newest 20 by service + operation', (i) => `/api/clew/v1/search?service=frontend&operation=${encodeURIComponent(rootOps[i % rootOps.length])}&start=${startMs}&end=${endMs}&limit=20`],
  ['native search, 20 longest by service', (i) => `/api/clew/v1/search?service=${SERVICES[i % SERVICES.length]}&start=${startMs}&end=${endMs}&limit=20&sort=duration`],
  ['native scatter points by service (≤ 2,000)', (i) => `/api/clew/v1/search/points?service=${SERVICES[i % SERVICES.length]}&start=${startMs}&end=${endMs}`],
  ['api_v3 trace-summaries, 20 by service', (i) => `/api/v3/trace-summaries?query.serviceName=${SERVICES[i % SERVICES.length]}&query.startTimeMin=${rfc(startMs)}&query.startTimeMax=${rfc(endMs)}&query.searchDepth=20`],
  ['Jaeger v1 /api/traces, 20 by service', (i) => `/api/traces?service=${SERVICES[i % SERVICES.length]}&start=${startMs * 1000}&end=${endMs * 1000}&limit=20`],
];

console.log(`${'search (HTTP, one at a time)'.padEnd(52)} ${'p50 / p99 ms'.padStart(16)}   rows`);
for (const [what, url] of CASES) {
  const first = await fetch(base + url(0));
  if (!first.ok) {
    console.log(`${what.padEnd(52)} ${'(no such route)'.padStart(16)}`);
    continue;
  }
  await first.arrayBuffer();
  const times = [];
  let rows = 0;
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    const body = await (await fetch(base + url(i + 1))).json();
    times.push(performance.now() - t);
    rows += (body.traces ?? body.points ?? body.summaries ?? body.data ?? []).length;
  }
  console.log(`${what.padEnd(52)} ${percentiles(times).padStart(16)}   ${fmt(rows / QUERIES, 1)}`);
}

await server.stop();
if (!keepDir) await rm(dataDir, { recursive: true, force: true });
