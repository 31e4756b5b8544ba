// Range archive benchmark: `clew archive`'s writer and `clew serve --archive-dir`'s reads, on realistic spans spread
// over 30 days.
//
//   npx tsc -b && node bench/archive-range.js                          # 30 days × 50,000 spans
//   CLEW_BENCH_DAYS=3 CLEW_BENCH_SPANS_PER_DAY=20000 node bench/archive-range.js   # a quick run
//
// Fills a live DuckDB store (not timed), then prints: archiving throughput as `clew archive -d` archives (the store
// COPYs each day from its own tables); through the staging writer as `clew archive --url` does with the spans a Clew
// on ClickHouse sends (the live store's scan, staging and the Parquet COPY), wall and CPU of every thread; then the
// real `clew archive --url` of a `clew serve` on that data directory (its store writes the files and sends them),
// neither process pinned; Parquet bytes per span against the live store's, the time to attach the archive, and
// trace-by-id lookups (p50/p99, CPU) and a search in the attached 30-day archive, each next to its target.
// CLEW_BENCH_KEEP=1 keeps the directories.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openDuckDBStore, RangeArchiveWriter, scanSpans } from '@clew/storage';
import { CLEW_NODE_FLAGS, startServer } from './lib/clew-server.js';
import { generateTraces } from './lib/generate.js';

const CLEW = process.env.CLEW_BENCH_CLEW_BIN ?? fileURLToPath(new URL('../packages/cli/bin/clew.js', import.meta.url));

const DAYS = Number(process.env.CLEW_BENCH_DAYS ?? 30);
const SPANS_PER_DAY = Number(process.env.CLEW_BENCH_SPANS_PER_DAY ?? 50_000);
const LOOKUPS = Number(process.env.CLEW_BENCH_LOOKUPS ?? 1000);
const DAY_NS = 86_400_000_000_000n;
const START = 1_764_000_000_000_000_000n - (1_764_000_000_000_000_000n % DAY_NS);

const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const row = (what, value, target = '') => console.log(`${what.padEnd(58)} ${String(value).padStart(14)}  ${target}`);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

const dir = await mkdtemp(join(tmpdir(), 'clew-bench-archive-range-'));
// A Clew's data directory: `clew serve` opens DATA_DIR/store.
const live = await openDuckDBStore({ dir: join(dir, 'data', 'store'), memoryLimit: '2GB', checkpointIntervalMs: 0 });

// Spans per trace of the generator, to space traces so that each day gets SPANS_PER_DAY.
let perTrace = 0;
for (const t of generateTraces({ seed: 7, traces: 2000 })) perTrace += t.length;
perTrace /= 2000;
const interval = BigInt(Math.round(Number(DAY_NS) / (SPANS_PER_DAY / perTrace)));

const total = DAYS * SPANS_PER_DAY;
const sample = [];
let appended = 0;
let batch = [];
for (const trace of generateTraces({ seed: 42, startNs: START, traceIntervalNs: interval })) {
  if (appended + batch.length >= total) break;
  if (sample.length < LOOKUPS * 4 && Math.random() < 0.02) sample.push(trace[0].traceId);
  batch.push(...trace);
  if (batch.length >= 16_384) {
    await live.append(batch);
    appended += batch.length;
    batch = [];
  }
}
if (batch.length > 0) {
  await live.append(batch);
  appended += batch.length;
}
await live.checkpoint();
const liveBytes = (await live.stats()).diskBytes;
console.log(`${fmt(appended)} spans over ${DAYS} days (${fmt(SPANS_PER_DAY)} a day, ${perTrace.toFixed(1)} spans a trace), generated seed 42\n`);

// Archive the whole window as `clew archive -d` does: the store COPYs each day from its own tables.
const window = { start: START, end: START + BigInt(DAYS + 1) * DAY_NS };
const out = join(dir, 'archive');
let t = performance.now();
let c = cpuNow();
const manifest = await live.writeRangeArchive({ out, ...window, tenant: 'default' });
const directMs = performance.now() - t;
const directCpu = (cpuNow() - c) / 1000;
row('archived spans', fmt(manifest.spans), `${manifest.files.length} day files`);
row('archiving as `clew archive -d` (COPY in DuckDB), wall', `${fmt(manifest.spans / (directMs / 1000))} spans/s`, '≥ 100,000 spans/s');
row('  CPU per span (every thread)', `${fmt((directCpu * 1000) / manifest.spans, 2)} µs`, `${fmt(directMs / 1000, 1)} s wall, ${fmt(directCpu / 1000, 1)} s CPU`);

// The same through the staging writer, as `clew archive --url` writes the spans it receives (here from the scan).
t = performance.now();
c = cpuNow();
const writer = await RangeArchiveWriter.create(join(dir, 'archive-staged'));
// Where the time goes: staging (the store's encoder, and its Appender each 50,000 spans of a day) and the Parquet
// COPY; the rest is the live scan. Each page of the scan goes to the writer as it comes, as `clew archive --url`
// hands it each request.
let stageMs = 0;
for await (const spans of scanSpans(live, window)) {
  const s = performance.now();
  await writer.add(spans, 'default');
  stageMs += performance.now() - s;
}
const copyStart = performance.now();
const staged = await writer.finish(window);
const copyMs = performance.now() - copyStart;
const archiveMs = performance.now() - t;
const archiveCpu = (cpuNow() - c) / 1000;
await live.close();
const parquetBytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
row('archiving through the staging writer, wall', `${fmt(staged.spans / (archiveMs / 1000))} spans/s`, "(`--url` of a Clew on ClickHouse, less its HTTP)");
row('  CPU per span (every thread)', `${fmt((archiveCpu * 1000) / staged.spans, 2)} µs`, `${fmt(archiveMs / 1000, 1)} s wall, ${fmt(archiveCpu / 1000, 1)} s CPU`);
row('  of which: live scan / staging / Parquet COPY', `${fmt((archiveMs - stageMs - copyMs) / 1000, 1)} / ${fmt(stageMs / 1000, 1)} / ${fmt(copyMs / 1000, 1)} s`);

// `clew archive --url` of a running Clew on the same data directory, as typed on one machine (neither pinned).
const server = await startServer(join(dir, 'data'), [], { pin: false });
const iso = (ns) => new Date(Number(ns / 1_000_000n)).toISOString();
const serverCpu = server.cpuSeconds();
t = performance.now();
const cli = await promisify(execFile)(process.execPath, [...CLEW_NODE_FLAGS, CLEW, 'archive', '--url', server.query, '--from', iso(window.start), '--to', iso(window.end), '--out', join(dir, 'archive-url')], { maxBuffer: 16 << 20 });
const urlMs = performance.now() - t;
const urlServerCpu = server.cpuSeconds() - serverCpu;
await server.stop();
const urlSpans = Number(/archived ([\d,]+) spans/.exec(cli.stderr)?.[1].replaceAll(',', '') ?? NaN);
if (urlSpans !== manifest.spans) throw new Error(`clew archive --url archived ${urlSpans} spans, -d ${manifest.spans}: ${cli.stderr}`);
row('`clew archive --url` of a running Clew, wall', `${fmt(urlSpans / (urlMs / 1000))} spans/s`, '≥ 100,000 spans/s');
row("  the Clew's CPU per span (every thread)", `${fmt((urlServerCpu * 1e6) / urlSpans, 2)} µs`, `${fmt(urlMs / 1000, 1)} s wall, ${fmt(urlServerCpu, 1)} s CPU`);
row('Parquet bytes per span', fmt(parquetBytes / manifest.spans, 1), `≤ the live store's ${fmt(liveBytes / appended, 1)} B/span`);

// Attach and read, as `clew serve --archive-dir` does.
t = performance.now();
c = cpuNow();
const reader = await openDuckDBStore({ dir: join(dir, 'empty'), memoryLimit: '2GB', checkpointIntervalMs: 0, rangeArchives: [out] });
row('attach the archive (read resources, scopes, trace blooms)', `${fmt(performance.now() - t)} ms`, `${fmt((cpuNow() - c) / 1000)} ms CPU`);

const ids = sample.sort(() => Math.random() - 0.5).slice(0, LOOKUPS);
for (const id of ids.slice(0, 20)) await reader.getTrace(id); // warm DuckDB's metadata cache
const times = [];
let spansRead = 0;
c = cpuNow();
for (const id of ids) {
  const s = performance.now();
  spansRead += (await reader.getTrace(id)).length;
  times.push(performance.now() - s);
}
const lookupCpu = (cpuNow() - c) / 1000 / ids.length;
times.sort((a, b) => a - b);
row(`trace by id in the ${DAYS}-day archive, p50 / p99 (${fmt(ids.length)} ids)`, `${fmt(pct(times, 50), 2)} / ${fmt(pct(times, 99), 2)} ms`, '≤ 50 ms p99');
row('CPU per lookup (every thread)', `${fmt(lookupCpu, 2)} ms`, `${fmt(spansRead / ids.length, 1)} spans a trace`);
const unknown = [];
for (let i = 0; i < 200; i++) {
  const s = performance.now();
  await reader.getTrace(i.toString(16).padStart(32, 'e'));
  unknown.push(performance.now() - s);
}
unknown.sort((a, b) => a - b);
row('unknown trace id, p50 / p99', `${fmt(pct(unknown, 50), 2)} / ${fmt(pct(unknown, 99), 2)} ms`);
const search = [];
for (let i = 0; i < 20; i++) {
  const day = START + BigInt(i % DAYS) * DAY_NS;
  const s = performance.now();
  await reader.findTraces({ service: 'frontend', start: day, end: day + 3_600_000_000_000n, limit: 20 });
  search.push(performance.now() - s);
}
search.sort((a, b) => a - b);
row('search: a service in one hour of one day, p50 / max (20)', `${fmt(pct(search, 50), 1)} / ${fmt(search.at(-1), 1)} ms`);
await reader.close();

if (process.env.CLEW_BENCH_KEEP) console.log(`kept ${dir}`);
else await rm(dir, { recursive: true, force: true });
