// Archived traces: what archiving costs and how fast an archived trace reads back by id.
//
//   npx tsc -b && node bench/archive.js                       # 500k live spans, 1,000 archived traces
//   CLEW_BENCH_SPANS=100000 CLEW_BENCH_ARCHIVED=200 node bench/archive.js
//
// DuckDB live store, DuckDB archive store and the DuckDB metrics store (the marks), as `clew serve` opens them. Prints
// the time and CPU of one archive (read the live trace, copy it, store the mark), the archive's bytes per span, then
// trace by id through the store the APIs read (live, falling back to the archive), interleaved with the live store
// alone: a live hit (unchanged), an unknown id (a live miss is now an archive miss too), and, once retention dropped the
// day, an archived trace read from the archive. Each next to the storage benchmark's by-id target.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TENANT } from '@clew/model';
import { openDuckDBMetricsStore, openDuckDBStore, TraceArchive } from '@clew/storage';
import { generateTraces } from './lib/generate.js';

const TOTAL = Number(process.env.CLEW_BENCH_SPANS ?? 500_000);
const ARCHIVED = Number(process.env.CLEW_BENCH_ARCHIVED ?? 1000);
const QUERIES = Number(process.env.CLEW_BENCH_QUERIES ?? 200);
const BATCH = 16_384;
const DAY = 86_400_000_000_000n;
let now = 20_416n * DAY + DAY / 2n;

const dir = await mkdtemp(join(tmpdir(), 'clew-bench-archive-'));
const live = await openDuckDBStore({ dir: join(dir, 'store'), now: () => now, checkpointIntervalMs: 0, memoryLimit: '1GB' });
const archived = await openDuckDBStore({ dir: join(dir, 'archive'), now: () => now, checkpointIntervalMs: 0, memoryLimit: '256MB' });
const metrics = await openDuckDBMetricsStore({ path: join(dir, 'metrics.duckdb') });
const archive = new TraceArchive(live, archived, metrics);
const reads = archive.store;

const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const row = (what, value, target = '') => console.log(`${what.padEnd(78)} ${String(value).padStart(16)}   ${target}`);
function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `${fmt(q(0.5), 2)} / ${fmt(q(0.99), 2)}`;
}

// Live spans; every n-th trace of more than one span is one to archive.
const every = Math.max(1, Math.floor(TOTAL / 20 / ARCHIVED));
const toArchive = [];
let pending = [];
let stored = 0;
let n = 0;
for (const trace of generateTraces({ seed: 7 })) {
  if (stored + pending.length >= TOTAL) break;
  pending.push(...trace);
  if (trace.length > 1 && ++n % every === 0 && toArchive.length < ARCHIVED) toArchive.push(trace[0].traceId);
  if (pending.length >= BATCH) {
    await live.append(pending);
    stored += pending.length;
    pending = [];
  }
}
if (pending.length > 0) await live.append(pending);
stored += pending.length;
await live.checkpoint();
console.log(`${fmt(stored)} live spans, ${fmt(toArchive.length)} traces to archive`);

// Archive them, one request at a time.
const tenant = archive.forTenant(DEFAULT_TENANT);
const archiveMs = [];
let copied = 0;
const archiveCpu0 = cpuNow();
for (const id of toArchive) {
  const t = performance.now();
  const r = await tenant.archive(id, { by: 'bench', note: 'kept', at: Date.now() });
  archiveMs.push(performance.now() - t);
  if (r.found) copied += r.copied;
}
const archiveCpu = (cpuNow() - archiveCpu0) / toArchive.length;
await archived.checkpoint();
row(`archive one trace (read live, copy ${fmt(copied / toArchive.length, 1)} spans, store the mark), p50 / p99 (ms)`, percentiles(archiveMs));
row('  CPU per archive (µs, all threads)', fmt(archiveCpu));
row('archive store bytes per archived span', fmt((await archived.stats()).diskBytes / copied, 1), 'live store: ≤ 60 B/span');

/** Times `run` against the fallback store and the live store alone, alternating, each QUERIES times. */
async function interleaved(ids, check) {
  const a = [];
  const b = [];
  let cpuA = 0;
  let cpuB = 0;
  for (let i = 0; i < QUERIES; i++) {
    const id = ids[(i * 7919) % ids.length];
    for (const [store, out, add] of i % 2 === 0 ? [[reads, a, (c) => (cpuA += c)], [live, b, (c) => (cpuB += c)]] : [[live, b, (c) => (cpuB += c)], [reads, a, (c) => (cpuA += c)]]) {
      const c = cpuNow();
      const t = performance.now();
      check(await store.getTrace(id), store);
      out.push(performance.now() - t);
      add(cpuNow() - c);
    }
  }
  return { a, b, cpuA: cpuA / QUERIES, cpuB: cpuB / QUERIES };
}

const hits = await interleaved(toArchive, (spans) => {
  if (spans.length === 0) throw new Error('an archived trace read as empty while its live spans are there');
});
row('trace by id, archived and still live: APIs\' store, p50 / p99 (ms)', percentiles(hits.a), 'p99 ≤ 10 ms');
row('  the live store alone, p50 / p99 (ms)', percentiles(hits.b));
row('  CPU per read, APIs\' store / live alone (µs)', `${fmt(hits.cpuA)} / ${fmt(hits.cpuB)}`);
const unknown = Array.from({ length: 64 }, (_, i) => `ffff${String(i).padStart(28, '0')}`);
const misses = await interleaved(unknown, (spans) => {
  if (spans.length !== 0) throw new Error('an unknown id was found');
});
row(`unknown trace id (a miss in both stores, no mark read): APIs' store, p50 / p99 (ms)`, percentiles(misses.a), 'p99 ≤ 10 ms');
row('  the live store alone, p50 / p99 (ms)', percentiles(misses.b));
row('  CPU per read, APIs\' store / live alone (µs)', `${fmt(misses.cpuA)} / ${fmt(misses.cpuB)}`);

// Retention drops the day; archived traces now come from the archive.
now += 8n * DAY;
const dropped = await live.dropBefore(now - 7n * DAY);
const fromArchive = [];
const cpu0 = cpuNow();
for (let i = 0; i < QUERIES; i++) {
  const t = performance.now();
  const spans = await reads.getTrace(toArchive[(i * 7919) % toArchive.length]);
  fromArchive.push(performance.now() - t);
  if (spans.length === 0) throw new Error('an archived trace was lost with its day');
}
row(`after retention dropped ${dropped} partition(s): archived trace by id, p50 / p99 (ms)`, percentiles(fromArchive), 'p99 ≤ 10 ms');
row('  CPU per read (µs, all threads)', fmt((cpuNow() - cpu0) / QUERIES));

await Promise.all([live.close(), archived.close(), metrics.close()]);
if (process.env.CLEW_BENCH_KEEP !== '1') await rm(dir, { recursive: true, force: true });
