// Attribute comparison benchmark: "what is different about the slow requests" over one hour holding 1M spans, in a
// real DuckDB store.
//
//   npx tsc -b && node bench/compare.js                            # loads 1M spans spread over one hour
//   CLEW_BENCH_SPANS=200000 node bench/compare.js                  # a quick run
//   CLEW_BENCH_COMPARE_DIR=/tmp/clew-compare node bench/compare.js # keeps the data and reuses it on the next run
//
// Prints p50/p99 over CLEW_BENCH_QUERIES (default 20) runs of: the store's latency heatmap of the hour (60 time
// buckets), its attribute counts for a duration band (the slowest spans) and for errors against the rest of the hour,
// and, when a server route answers, the same comparisons end to end over HTTP (counts, ranking and JSON) beside
// `limit 1 s`. Each run shifts the band a little, so no answer is served from a cache.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDBStore } from '@clew/storage';
import { startServer } from './lib/clew-server.js';
import { generateTraces } from './lib/generate.js';

const TOTAL = Number(process.env.CLEW_BENCH_SPANS ?? 1_000_000);
const QUERIES = Math.max(20, Number(process.env.CLEW_BENCH_QUERIES ?? 20));
const HOUR_NS = 3_600_000_000_000n;
const START_NS = 1_764_000_000_000_000_000n;
const BATCH = 16_384;
const INFO_FILE = 'compare-bench.json';
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const keepDir = process.env.CLEW_BENCH_COMPARE_DIR;
const dataDir = keepDir ?? (await mkdtemp(join(tmpdir(), 'clew-bench-compare-')));
const storeDir = join(dataDir, 'store');
await mkdir(storeDir, { recursive: true });
if ((await readdir(storeDir)).filter((f) => f.endsWith('.duckdb')).length === 0) await load();
else console.log(`clew compare benchmark: querying the data already in ${dataDir}\n`);
const info = JSON.parse(await readFile(join(dataDir, INFO_FILE), 'utf8'));

/** The generator's traces, spaced so that TOTAL spans fill one hour exactly (a first pass counts the traces). */
async function load() {
  let traces = 0;
  let spans = 0;
  for (const trace of generateTraces({ seed: 42 })) {
    traces++;
    spans += trace.length;
    if (spans >= TOTAL) break;
  }
  // The generator's gaps average the interval, whatever it is, so the same traces come back spaced to fit the hour.
  const interval = HOUR_NS / BigInt(traces + 1);
  console.log(`clew compare benchmark: loading ${fmt(spans)} spans (${fmt(traces)} traces) over one hour into ${storeDir}`);
  const store = await openDuckDBStore({ dir: storeDir, memoryLimit: '2GB', checkpointIntervalMs: 0 });
  const t = performance.now();
  let pending = [];
  let stored = 0;
  let n = 0;
  let last = START_NS;
  for (const trace of generateTraces({ seed: 42, startNs: START_NS, traceIntervalNs: interval })) {
    pending.push(...trace);
    if (trace[0].startTimeUnixNano > last) last = trace[0].startTimeUnixNano;
    if (++n === traces || pending.length >= BATCH) {
      await store.append(pending);
      stored += pending.length;
      pending = [];
      if (n === traces) break;
    }
  }
  await store.close();
  await writeFile(join(dataDir, INFO_FILE), JSON.stringify({ spans: stored, start: START_NS.toString(), end: (last + 1n).toString() }));
  console.log(`  stored ${fmt(stored)} spans in ${fmt((performance.now() - t) / 1000, 1)} s, the last trace starting ${fmt(Number(last - START_NS) / 60e9, 1)} min after the first\n`);
}

function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { p50: q(0.5), p99: q(0.99) };
}

async function measure(what, limitMs, run) {
  await run(0);
  const times = [];
  let note = '';
  for (let i = 1; i <= QUERIES; i++) {
    const t = performance.now();
    note = await run(i);
    times.push(performance.now() - t);
  }
  const { p50, p99 } = percentiles(times);
  const limit = limitMs === null ? '' : `limit ${fmt(limitMs / 1000, 0)} s`;
  console.log(`${what.padEnd(58)} ${`${fmt(p50, 0)} / ${fmt(p99, 0)}`.padStart(14)}   ${limit.padEnd(10)} ${note}`);
}

const start = BigInt(info.start);
const end = BigInt(info.end);
const filter = { start, end };
const MS = 1_000_000n;
console.log(`${info.spans.toLocaleString('en-US')} spans in the hour; ${QUERIES} runs each\n`);
console.log(`${'query'.padEnd(58)} ${'p50 / p99 ms'.padStart(14)}`);

const store = await openDuckDBStore({ dir: storeDir, memoryLimit: '2GB', checkpointIntervalMs: 0 });
await measure('store: latency heatmap, 60 × log duration buckets', null, async () => {
  const r = await store.latencyHeatmap({ filter, step: HOUR_NS / 60n });
  return `${fmt(r.cells.length)} cells, ${fmt(r.total)} spans`;
});
const sampleNote = (r) =>
  r.sampled
    ? `counted ${fmt(r.selection.counted)} of ${fmt(r.selection.spans)} selected (±${fmt(r.selection.marginPercent, 2)} pt) and ` +
      `${fmt(r.baseline.counted)} of ${fmt(r.baseline.spans)} baseline (±${fmt(r.baseline.marginPercent, 2)} pt), ${r.keys.length} keys`
    : `${fmt(r.selection.spans)} selected, ${fmt(r.baseline.spans)} baseline, not sampled, ${r.keys.length} keys`;
await measure('store: attribute counts, spans over 100 ms vs the rest', 1000, async (i) =>
  sampleNote(await store.attributeCounts({ filter, selection: { minDuration: (100n + BigInt(i)) * MS }, topValues: 10, maxSpans: 20_000 })),
);
await measure('store: attribute counts, errors vs the rest', 1000, async (i) =>
  sampleNote(await store.attributeCounts({ filter: { ...filter, end: end - BigInt(i) * MS }, selection: { errors: true }, topValues: 10, maxSpans: 20_000 })),
);
await store.close();

// Every port free-chosen: other benchmarks may be running a Clew of their own.
const server = await startServer(dataDir, ['--jaeger-http-port', '0', '--jaeger-compact-port', '0', '--jaeger-binary-port', '0', '--tempo-port', '0']);
const ms = (ns) => Number(ns / MS);
const routes = [
  ['native /search/heatmap over HTTP', null, (i) => `/api/clew/v1/search/heatmap?start=${ms(start)}&end=${ms(end) - i}&buckets=60`],
  ['native /search/compare, spans over 100 ms, over HTTP', 1000, (i) => `/api/clew/v1/search/compare?start=${ms(start)}&end=${ms(end)}&selMinDuration=${100 + i}ms`],
  ['native /search/compare, errors, over HTTP', 1000, (i) => `/api/clew/v1/search/compare?start=${ms(start)}&end=${ms(end) - i}&selection=errors`],
  // Each frontend request counted with every span below it: ~1,000 traces a side read whole.
  [
    'native /search/compare, frontend server spans over 100 ms with what each called (descendants), over HTTP',
    1000,
    (i) => `/api/clew/v1/search/compare?service=frontend&spanKind=server&start=${ms(start)}&end=${ms(end)}&selMinDuration=${100 + i}ms&descendants=true`,
  ],
];
try {
  for (const [what, limit, url] of routes) {
    const first = await fetch(server.query + url(0));
    if (!first.ok) {
      console.log(`${what.padEnd(58)} ${'(no such route)'.padStart(14)}`);
      continue;
    }
    await first.arrayBuffer();
    await measure(what, limit, async (i) => {
      const res = await fetch(server.query + url(i));
      const body = await res.json();
      return body.values ? `${fmt(body.values.length)} values ranked` : body.cells ? `${fmt(body.cells.length)} cells` : '';
    });
  }
} finally {
  await server.stop();
  if (!keepDir) await rm(dataDir, { recursive: true, force: true });
}
