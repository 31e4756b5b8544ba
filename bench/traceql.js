// TraceQL benchmark: searchTraceQL over a DuckDB store holding 5M realistic spans.
//
//   npx tsc -b && node bench/traceql.js                          # loads 5M spans into a temporary store
//   CLEW_BENCH_SPANS=500000 node bench/traceql.js                # a quick run
//   CLEW_BENCH_TRACEQL_DIR=/tmp/clew-traceql node bench/traceql.js
//       keeps the store in that directory and, when it already holds one, queries it without loading again
//
// Prints p50/p99 latency of a structural query, a plain filter and an aggregate (newest 20 traces, as Grafana asks),
// each next to the 500 ms target, with how many traces and spans each search read from the store.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDBStore } from '@clew/storage';
import { parseTraceQL, searchTraceQL } from '@clew/server';
import { generateTraces } from './lib/generate.js';

const TOTAL = Number(process.env.CLEW_BENCH_SPANS ?? 5_000_000);
const QUERIES = Number(process.env.CLEW_BENCH_QUERIES ?? 40);
const BATCH = 16_384;
const WINDOW_FILE = 'traceql-bench.json';

const keepDir = process.env.CLEW_BENCH_TRACEQL_DIR;
const dir = keepDir ?? (await mkdtemp(join(tmpdir(), 'clew-bench-traceql-')));
const existing = keepDir ? (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.duckdb')) : [];
const store = await openDuckDBStore({ dir, memoryLimit: process.env.CLEW_BENCH_MEMORY ?? '2GB', checkpointIntervalMs: 0 });
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

if (existing.length === 0) {
  console.log(`clew TraceQL benchmark: loading ${fmt(TOTAL)} spans into ${dir}`);
  const t = performance.now();
  let stored = 0;
  let wal = 0n;
  let pending = [];
  let newest = 0n;
  for (const trace of generateTraces({ seed: 42 })) {
    pending.push(...trace);
    if (trace[0].startTimeUnixNano > newest) newest = trace[0].startTimeUnixNano;
    if (pending.length >= BATCH) {
      await store.append(pending, ++wal);
      stored += pending.length;
      pending = [];
      if (stored >= TOTAL) break;
    }
  }
  await store.checkpoint();
  await writeFile(join(dir, WINDOW_FILE), JSON.stringify({ newest: newest.toString() }));
  console.log(`  stored ${fmt(stored)} spans in ${fmt((performance.now() - t) / 1000, 1)} s\n`);
} else {
  console.log(`clew TraceQL benchmark: querying the store already in ${dir}\n`);
}

// Searched as Grafana asks by default: the last hour, here ending just after the newest trace stored.
const newest = BigInt(JSON.parse(await readFile(join(dir, WINDOW_FILE), 'utf8')).newest);
const window = { start: newest - 3_600_000_000_000n, end: newest + 1_000_000_000n };

function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99) };
}

// Each query varies with the run number so that every search is a new one, not a repeat served from a cache.
const DB_SYSTEMS = ['postgresql', 'redis', 'mongodb'];
const SERVICES = ['frontend', 'checkout', 'cart', 'payment', 'inventory', 'users', 'shipping', 'recommendation'];
const QUERY_SETS = [
  {
    what: 'structural: { frontend } >> { db.system && duration > N }',
    text: (i) => `{ resource.service.name = "frontend" } >> { span.db.system = "${DB_SYSTEMS[i % DB_SYSTEMS.length]}" && duration > ${5 + (i % 7)}ms }`,
  },
  {
    what: 'structural, rarer: { other service } >> { db.system && duration > N }',
    text: (i) =>
      `{ resource.service.name = "${SERVICES[1 + (i % (SERVICES.length - 1))]}" } >> { span.db.system = "${DB_SYSTEMS[i % DB_SYSTEMS.length]}" && duration > ${5 + (i % 7)}ms }`,
  },
  {
    what: 'plain filter: { service && status code && kind }',
    text: (i) => `{ resource.service.name = "${SERVICES[i % SERVICES.length]}" && span.http.status_code = ${i % 2 ? 500 : 503} && kind = server }`,
  },
  {
    what: 'aggregate: { db.system } | count() > N',
    text: (i) => `{ span.db.system = "${DB_SYSTEMS[i % DB_SYSTEMS.length]}" } | count() > ${1 + (i % 2)}`,
  },
];

for (const set of QUERY_SETS) {
  const times = [];
  let traces = 0;
  let inspectedTraces = 0;
  let inspectedSpans = 0;
  for (let i = 0; i < QUERIES; i++) {
    const parsed = parseTraceQL(set.text(i));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const t = performance.now();
    const r = await searchTraceQL(store, parsed.query, { ...window, limit: 20, spansPerSpanSet: 3 });
    times.push(performance.now() - t);
    traces += r.traces.length;
    inspectedTraces += r.inspectedTraces;
    inspectedSpans += r.inspectedSpans;
  }
  const { p50, p99 } = percentiles(times);
  console.log(`${set.what}`);
  console.log(`  e.g. ${set.text(0)}`);
  console.log(
    `  p50 / p99 (ms) ${fmt(p50, 1).padStart(8)} / ${fmt(p99, 1).padEnd(8)} target p99 ≤ 500 ms    ` +
      `mean per search: ${fmt(traces / QUERIES, 1)} traces found, ${fmt(inspectedTraces / QUERIES, 1)} read, ${fmt(inspectedSpans / QUERIES)} spans`,
  );
}

await store.close();
if (!keepDir) await rm(dir, { recursive: true, force: true });
