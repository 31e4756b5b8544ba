// Storage benchmark: the embedded DuckDB store on realistic spans.
//
//   npx tsc -b && node bench/storage.js                 # 5M spans
//   CLEW_BENCH_SPANS=500000 node bench/storage.js       # a quick run
//
// Prints append throughput (512-span and large batches), the store's CPU per span (every thread, checkpoint
// included), bytes per span on disk, and query latencies at the
// stored size, each next to its target. CLEW_BENCH_KEEP=1 keeps the data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDBStore } from '@clew/storage';
import { generateTraces } from './lib/generate.js';

const TOTAL = Number(process.env.CLEW_BENCH_SPANS ?? 5_000_000);
const SMALL_BATCH = 512;
const LARGE_BATCH = 16_384;
/** Spans appended in 512-span batches before switching to large ones. */
const SMALL_SPANS = Math.min(200_000, Math.floor(TOTAL / 5));
const QUERIES = Number(process.env.CLEW_BENCH_QUERIES ?? 200);
const MS = 1_000_000n;

const dir = await mkdtemp(join(tmpdir(), 'clew-bench-storage-'));
const store = await openDuckDBStore({ dir, memoryLimit: process.env.CLEW_BENCH_MEMORY ?? '2GB', checkpointIntervalMs: 0 });

const sampleIds = [];
const seenServiceOps = new Map();
const traces = generateTraces({ seed: 42 });
let wal = 0n;

/** Process CPU (µs, every thread: DuckDB's included) spent inside the store, outside span generation. */
let storeCpu = 0;
/** The longest single append (ms): a checkpoint queued behind an append stalls the next one. */
let slowestAppend = 0;
const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** Appends `count` spans in batches of `batch`, timing only the store. */
async function appendSpans(count, batch) {
  let done = 0;
  let busy = 0;
  let pending = [];
  const flush = async () => {
    const t = performance.now();
    const c = cpuNow();
    await store.append(pending, ++wal);
    storeCpu += cpuNow() - c;
    const took = performance.now() - t;
    busy += took;
    if (took > slowestAppend) slowestAppend = took;
    done += pending.length;
    pending = [];
  };
  while (done + pending.length < count) {
    const trace = traces.next().value;
    if (Math.random() < 0.01 && sampleIds.length < 5000) sampleIds.push(trace[0].traceId);
    for (const s of trace) {
      pending.push(s);
      if (s.kind === 2 && s.resource === trace[0].resource) seenServiceOps.set(s.name, (seenServiceOps.get(s.name) ?? 0) + 1);
    }
    if (pending.length >= batch) await flush();
  }
  if (pending.length) await flush();
  return { spans: done, perSecond: done / (busy / 1000) };
}

const rows = [];
const row = (what, value, target) => rows.push([what, value, target]) && console.log(`${what.padEnd(58)} ${String(value).padStart(14)}   ${target}`);
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

console.log(`clew storage benchmark: ${fmt(TOTAL)} spans, dir ${dir}\n`);
const small = await appendSpans(SMALL_SPANS, SMALL_BATCH);
row(`append, ${SMALL_BATCH}-span batches (spans/s)`, fmt(small.perSecond), 'well above 100k/s per core end-to-end');
let large = { spans: 0, perSecond: 0 };
let lastReport = performance.now();
while (small.spans + large.spans < TOTAL) {
  // In rounds, so progress shows on long runs and each round's rate stays honest.
  const r = await appendSpans(Math.min(500_000, TOTAL - small.spans - large.spans), LARGE_BATCH);
  const spans = large.spans + r.spans;
  large = { spans, perSecond: spans / (large.spans / (large.perSecond || 1) + r.spans / r.perSecond) };
  if (performance.now() - lastReport > 15_000) {
    console.error(`  … ${fmt(small.spans + large.spans)} spans stored, ${fmt(large.perSecond)} spans/s`);
    lastReport = performance.now();
  }
}
row(`append, ${LARGE_BATCH}-span batches (spans/s)`, fmt(large.perSecond), 'well above 100k/s per core end-to-end');
row('slowest append (ms)', fmt(slowestAppend), 'no stall of seconds (DESIGN §6)');

const tc = performance.now();
const cc = cpuNow();
await store.checkpoint();
const checkpointMs = performance.now() - tc;
storeCpu += cpuNow() - cc;
const stats = await store.stats();
row('checkpoint after load (ms)', fmt(checkpointMs), 'off the append path');
row('store CPU per span, appends + checkpoint (µs, all threads)', fmt(storeCpu / TOTAL, 1), '≤ 5 µs (100k/s per core end-to-end)');
row('bytes per span on disk', fmt(stats.diskBytes / TOTAL, 1), '≤ 60 B/span');

function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `${fmt(q(0.5), 2)} / ${fmt(q(0.99), 2)}`;
}

async function timeQueries(n, run) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    out.push(performance.now() - t);
  }
  return out;
}

let found = 0;
const byId = await timeQueries(QUERIES, async (i) => {
  found += (await store.getTrace(sampleIds[(i * 7919) % sampleIds.length])).length > 0 ? 1 : 0;
});
row(`trace by id, no time hint, p50 / p99 (ms) [${found}/${QUERIES} found]`, percentiles(byId), 'p99 ≤ 10 ms');

const ops = [...seenServiceOps.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
const search = (i, extra = {}) =>
  store.findTraces({ service: 'frontend', operation: ops[i % ops.length], minDuration: 20n * MS, limit: 20, ...extra });
let totals = 0;
const plain = await timeQueries(QUERIES, async (i) => {
  totals += (await search(i)).total;
});
row(`newest 20 by service+operation+minDuration, p50 / p99 (ms)`, percentiles(plain), 'p99 ≤ 50 ms');
console.error(`  (mean total ${fmt(totals / QUERIES)} traces per search)`);
const typedTag = await timeQueries(QUERIES, (i) => search(i, { attributes: [['http.status_code', i % 2 ? '500' : '200']] }));
row(`  + tag on a typed column (http.status_code), p50 / p99 (ms)`, percentiles(typedTag), 'p99 ≤ 200 ms');
const freeTag = await timeQueries(QUERIES, (i) => search(i, { attributes: [['customer.id', `cust-${(i * 131) % 100_000}`]] }));
row(`  + tag in the attribute strings (customer.id), p50 / p99 (ms)`, percentiles(freeTag), 'p99 ≤ 200 ms');

// The event loop must stay free while DuckDB works: measure the longest timer delay during a heavy query.
let maxLag = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  maxLag = Math.max(maxLag, now - last - 5);
  last = now;
}, 5);
await Promise.all([0, 1, 2, 3].map((i) => search(i, { attributes: [['customer.id', 'cust-1']], minDuration: 0n })));
clearInterval(ticker);
row('event-loop delay during 4 concurrent tag searches (ms)', fmt(maxLag, 1), 'small (queries run off the loop)');

await store.close();
if (!process.env.CLEW_BENCH_KEEP) await rm(dir, { recursive: true, force: true });
