// Metrics store benchmark: the DuckDB metrics rollups holding 7 days of per-minute span metrics of 50 services ×
// 200 operations, filled through the public append API, then the reads the Services page, a service's page and an
// SLO evaluation make.
//
//   npx tsc -b && node bench/metrics.js
//   CLEW_BENCH_METRICS_DAYS=1 node bench/metrics.js          # a quick run
//   CLEW_BENCH_METRICS_DIR=/tmp/clew-metrics node bench/metrics.js   # keeps the store and reuses it next time
//   CLEW_BENCH_METRICS_CACHE_MB=0 node bench/metrics.js       # without the closed-period cache
//
// Density: the first CLEW_BENCH_METRICS_HOT services (default 2) have every operation in every minute; the others
// have each operation in a given minute with probability CLEW_BENCH_METRICS_SPARSE (default 0.05). One delta per
// series and minute (plus an error delta for ~5% of them), appended a minute at a time; maintenance (compaction,
// rollups, day sorting, checkpoint) runs every hour of data (the store's timer runs it every minute of wall time).
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latencyCountAtOrBelow, latencyQuantile, mergeLatencyBins } from '@clew/analysis';
import { readSlo, resolveHealthWindow } from '@clew/server';
import { openDuckDBMetricsStore } from '@clew/storage';

const DAYS = Number(process.env.CLEW_BENCH_METRICS_DAYS ?? 7);
const SERVICES = 50;
const OPS = 200;
const HOT = Number(process.env.CLEW_BENCH_METRICS_HOT ?? 2);
const SPARSE = Number(process.env.CLEW_BENCH_METRICS_SPARSE ?? 0.05);
const RUNS = Number(process.env.CLEW_BENCH_QUERIES ?? 60);
const LIMIT_MS = 50;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The data ends at 2025-11-24T00:00Z (fixed, so that runs compare); queries end 23 minutes before it. */
const END = 1_763_942_400_000;
const START = END - DAYS * DAY;
const NOW = END - 23 * MINUTE;
const SERVER = 2;
const CLIENT = 3;
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const service = (s) => `service-${String(s).padStart(2, '0')}`;
const operation = (o) => `${o % 3 === 0 ? 'GET' : o % 3 === 1 ? 'POST' : 'PUT'} /api/v1/resource-${o}`;
const kindOf = (o) => (o < 150 ? SERVER : CLIENT);

// Deterministic pseudo-random numbers (a 32-bit xorshift), so that every run stores the same rows.
let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

/**
 * 512 shapes of a minute's latency distribution: 3 to 30 bins spread over up to ~90 keys (a factor of 6 in
 * latency), shared by the rows and shifted to each operation's own latency (below).
 */
const TEMPLATES = Array.from({ length: 512 }, () => {
  const n = 3 + Math.floor(rand() * 28);
  const keys = [];
  const counts = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    k += 1 + Math.floor(rand() * 3);
    keys.push(k);
    counts.push(1 + Math.floor(rand() * 20));
  }
  const count = counts.reduce((a, b) => a + b, 0);
  return { latency: { keys, counts, zeroCount: 0 }, count, dur: count * 2_000_000 };
});

/** Each operation's latency sits at its own key, 800–1030 (about 0.3 ms to 30 ms): a service spans a factor of 100. */
const opBase = (s, o) => 800 + ((s * 11 + o * 37) % 230);

function minuteRows(minute) {
  const rows = [];
  for (let s = 0; s < SERVICES; s++) {
    for (let o = 0; o < OPS; o++) {
      if (s >= HOT && rand() >= SPARSE) continue;
      const t = TEMPLATES[Math.floor(rand() * TEMPLATES.length)];
      const base = { minute, service: service(s), operation: operation(o), kind: kindOf(o) };
      const shift = opBase(s, o);
      const latency = { keys: t.latency.keys.map((k) => k + shift), counts: t.latency.counts, zeroCount: 0 };
      rows.push({ ...base, status: 0, count: t.count, durationSumNanos: t.dur, latency });
      if (rand() < 0.05) rows.push({ ...base, status: 2, count: 1, durationSumNanos: 5_000_000, latency: { keys: [1100], counts: [1], zeroCount: 0 } });
    }
  }
  return rows;
}

async function sizeOf(file) {
  let n = 0;
  for (const f of [file, file + '.wal']) n += await stat(f).then((s) => s.size, () => 0);
  return n;
}

const keepDir = process.env.CLEW_BENCH_METRICS_DIR;
const dir = keepDir ?? (await mkdtemp(join(tmpdir(), 'clew-bench-metrics-')));
await mkdir(dir, { recursive: true });
const path = join(dir, 'metrics.duckdb');
const doneFile = join(dir, 'metrics-bench.json');
/** CLEW_BENCH_METRICS_CACHE_MB: the store's closed-period cache budget (0 turns it off); the store's default otherwise. */
const CACHE_BYTES = process.env.CLEW_BENCH_METRICS_CACHE_MB === undefined ? undefined : Number(process.env.CLEW_BENCH_METRICS_CACHE_MB) * 2 ** 20;
const open = () =>
  openDuckDBMetricsStore({
    path,
    memoryLimit: process.env.CLEW_BENCH_MEMORY ?? '1GB',
    maintenanceIntervalMs: 0,
    ...(CACHE_BYTES !== undefined && { spanCacheBytes: CACHE_BYTES }),
  });

console.log(`clew metrics benchmark: ${DAYS} days × ${SERVICES} services × ${OPS} operations of per-minute rows`);
console.log(`  density: ${HOT} services with every operation every minute, the other ${SERVICES - HOT} with each operation in ${fmt(SPARSE * 100)}% of minutes`);
let store;
let wal = 0n;
const done = await readFile(doneFile, 'utf8').then(JSON.parse, () => null);
let filled = done;
if (done) {
  console.log(`  reusing the store in ${dir} (${fmt(done.rows)} rows, filled in ${fmt(done.seconds, 1)} s)`);
  store = await open();
  // Maintenance, as the store's timer runs it: a store filled by an earlier build gains the tiers added since.
  const tm = performance.now();
  await store.maintain();
  console.log(`  maintenance on opening: ${fmt(performance.now() - tm)} ms`);
} else {
  store = await open();
  const t0 = performance.now();
  let rows = 0;
  let appendMs = 0;
  let maintainMs = 0;
  for (let minute = START; minute < END; minute += MINUTE) {
    const batch = minuteRows(minute);
    rows += batch.length;
    const ta = performance.now();
    await store.append({ spans: batch, edges: [], errors: [] }, ++wal);
    appendMs += performance.now() - ta;
    if ((minute / MINUTE) % 60 === 59) {
      const tm = performance.now();
      await store.maintain();
      maintainMs += performance.now() - tm;
    }
    if ((minute - START) % DAY === DAY - MINUTE) {
      const s = (performance.now() - t0) / 1000;
      console.log(`  day ${(minute - START + MINUTE) / DAY}: ${fmt(rows)} rows, ${fmt(s, 1)} s, ${fmt((await sizeOf(path)) / 1e6, 1)} MB`);
    }
  }
  await store.maintain();
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `  generated and stored ${fmt(rows)} span-metrics rows in ${fmt(seconds, 1)} s (append ${fmt(appendMs / 1000, 1)} s, maintenance ${fmt(maintainMs / 1000, 1)} s, the rest generating rows)`,
  );
  filled = { rows, seconds };
  await writeFile(doneFile, JSON.stringify(filled));
}
await store.close();
console.log(`  file size ${fmt((await sizeOf(path)) / 1e6, 1)} MB`);
store = await open();

function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return [q(0.5), q(0.99)];
}

/**
 * Times `fn(0)`, the first (cold) run of the query, on its own, then RUNS more (warm: each a window a minute later,
 * as a page refreshed every minute moves, so the store's closed-period cache holds all but the newest minute).
 */
async function time(label, fn) {
  const times = [];
  const cpu = [];
  let points = 0;
  for (let i = 0; i <= RUNS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    const n = await fn(i);
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    if (i > 0) points += n;
  }
  const [p50, p99] = percentiles(times.slice(1));
  const [c50, c99] = percentiles(cpu.slice(1));
  const [, all99] = percentiles(times);
  const over = Math.max(times[0], p99) > LIMIT_MS;
  console.log(
    `${label.padEnd(66)} cold ${fmt(times[0], 1).padStart(6)} ms ${fmt(cpu[0], 1).padStart(6)} CPU   warm ${fmt(p50, 1).padStart(6)} / ${fmt(p99, 1).padStart(6)} ms   CPU ${fmt(c50, 1).padStart(5)} / ${fmt(c99, 1).padStart(5)} ms   p99 of all ${fmt(all99, 1).padStart(6)} ms   ${fmt(points / RUNS)} points${over ? '   OVER' : ''}`,
  );
}

/**
 * What a page does with the points it reads: p50, p95 and p99 of each (the API's RED figures), from the quantiles the
 * store answered when the query asked for them (as the service-health queries do), else from the point's bins (as
 * the SLO evaluation and Jaeger's Monitor tab read them). Returns the number of points.
 */
function figures(points) {
  let check = 0;
  for (const p of points) {
    if (p.quantiles) {
      for (const v of p.quantiles) check += v;
      continue;
    }
    const bins = mergeLatencyBins([p.latency]);
    check += latencyQuantile(bins, 0.5) + latencyQuantile(bins, 0.95) + latencyQuantile(bins, 0.99);
  }
  if (Number.isNaN(check)) throw new Error('a point without latency');
  return points.length;
}
/**
 * The end of run i's window: RUNS minutes before NOW for the first (cold) run, then a minute later each run, as the
 * clock moves under a page refreshed every minute (a different window each run).
 */
const endOf = (i) => NOW - (RUNS - i) * MINUTE;
/**
 * A page's window, as the server resolves it from "the last `window`" at run i's end (resolveHealthWindow: `from`
 * moved down to a step boundary, so that every point covers a whole step).
 */
const pageWindow = (i, window, step) => resolveHealthWindow({ from: endOf(i) - window, to: endOf(i), stepNanos: BigInt(step) * 1_000_000n }, endOf(i), Infinity);
/** The quantiles the service-health queries ask the store for. */
const RED = [0.5, 0.95, 0.99];
const sum = (lists) => lists.reduce((n, l) => n + figures(l), 0);
/**
 * The Services page, as the server's service-health query makes it: each service's series and totals over the
 * window and the previous window's totals, as p50/p95/p99, and every kind's counts (which services exist).
 */
const servicesPage = (window, step) => async (i) => {
  const { from, to } = pageWindow(i, window, step);
  const base = { kinds: [SERVER], groupBy: ['service'], quantiles: RED };
  return sum(
    await Promise.all([
      store.spanMetrics({ ...base, from, to, step }),
      store.spanMetrics({ ...base, from, to }),
      store.spanMetrics({ ...base, from: from - (to - from), to: from }),
      store.spanMetrics({ groupBy: ['service'], from, to, quantiles: [] }),
    ]),
  );
};

console.log(
  `\n${'query (one at a time; the page\'s calls in parallel)'.padEnd(66)} cold: the first run (wall, CPU); warm: p50 / p99 of the ${RUNS} runs after it, limit ${LIMIT_MS} ms (CPU: the process's, all threads)`,
);
console.log(`  closed-period cache: ${CACHE_BYTES === undefined ? 'default budget' : CACHE_BYTES === 0 ? 'off' : `${fmt(CACHE_BYTES / 2 ** 20)} MiB`}`);
const load = (await import('node:os')).loadavg()[0];
console.log(`load average ${fmt(load, 1)} on ${(await import('node:os')).cpus().length} cores`);
/** A service's page, as service-health makes it: its series and totals over the window, and its operations' totals. */
const servicePage = (window, step) => async (i) => {
  const { from, to } = pageWindow(i, window, step);
  const q = { services: [service(((i % HOT) + HOT) % HOT)], kinds: [SERVER], from, to, quantiles: RED };
  return sum(
    await Promise.all([
      store.spanMetrics({ ...q, step, groupBy: ['service'] }),
      store.spanMetrics({ ...q, groupBy: ['service'] }),
      store.spanMetrics({ ...q, groupBy: ['operation'] }),
    ]),
  );
};
// A server answering pages has run these functions before: each query shape runs over windows three, four and five
// days earlier (nothing of them in the cache the timed runs use), so that "cold" below is a cache miss in a warm
// process, not one of the process's first calls. Their first round is printed too. (With one round, the first timed
// query still paid for compiling: the 1 h Services page's cold run measured 54.5 ms, 101.7 CPU, against 26.8 and
// 41.2 after three.)
for (let round = 0; round < 3; round++) {
  const c = process.cpuUsage();
  const t = performance.now();
  const early = -(3 + round) * 1440;
  for (const fn of [servicesPage(HOUR, MINUTE), servicesPage(DAY, 15 * MINUTE), servicePage(DAY, 15 * MINUTE)]) await fn(early);
  const used = process.cpuUsage(c);
  if (round === 0) {
    console.log(`the process's first queries (Services page 1 h and 24 h, a service's page 24 h; fresh JIT, nothing cached): ${fmt(performance.now() - t, 1)} ms, ${fmt((used.user + used.system) / 1000, 1)} ms CPU`);
  }
}
await time('(a) Services page, last 1 h: totals, 1-min series, previous 1 h', servicesPage(HOUR, MINUTE));
await time('(a) Services page, last 24 h: totals, 15-min series, previous 24 h', servicesPage(DAY, 15 * MINUTE));
await time('(a) Services page, last 24 h: totals, 1-h series, previous 24 h', servicesPage(DAY, HOUR));
await time("(b) a hot service's page, 24 h: its 15-min series and its operations' totals", servicePage(DAY, 15 * MINUTE));
await time("(b) a hot service's page, 1 h: its 1-min series and its operations' totals", servicePage(HOUR, MINUTE));
await time('(b) one hot service, 24 h, every operation\'s 15-min series (Jaeger Monitor tab shape)', async (i) =>
  figures(await store.spanMetrics({ from: endOf(i) - DAY, to: endOf(i), step: 15 * MINUTE, services: [service(i % HOT)], groupBy: ['service', 'operation'] })),
);
await time('(b) the same, 1-h steps', async (i) =>
  figures(await store.spanMetrics({ from: endOf(i) - DAY, to: endOf(i), step: HOUR, services: [service(i % HOT)], groupBy: ['service', 'operation'] })),
);
/**
 * An SLO evaluation's reads (1-minute points over 3 days and a 7-day total) and what it does with each point: a
 * latency SLO counts the spans at or under its threshold (the bins up to it), an availability SLO reads counts only.
 */
const slo = (kind, pick) => async (i) => {
  const { s, o } = pick(i);
  const q = { services: [service(s)], operations: [operation(o)], kinds: [SERVER], groupBy: [], ...(kind === 'availability' && { quantiles: [] }) };
  const now = endOf(i);
  const lists = await Promise.all([store.spanMetrics({ ...q, from: now - 3 * DAY, to: now, step: MINUTE }), store.spanMetrics({ ...q, from: now - Math.min(7, DAYS) * DAY, to: now })]);
  let good = 0;
  for (const p of lists.flat()) good += kind === 'availability' ? p.count - p.errors : latencyCountAtOrBelow(p.latency, 5_000_000);
  if (Number.isNaN(good)) throw new Error('no counts');
  return lists.reduce((n, l) => n + l.length, 0);
};
const hotOp = (i) => ({ s: i % HOT, o: (i * 7) % 150 });
const sparseOp = (i) => ({ s: HOT + (i % (SERVICES - HOT)), o: (i * 7) % 150 });
/**
 * A 7-day SLO measured as the server measures it (readSlo: minutes over the last 6–7 hours, hours back to the
 * window's start, minutes for its first partial hour; then its status, burn rates and alert rules).
 */
const evaluation = (kind, pick) => async (i) => {
  const { s, o } = pick(i);
  const definition = {
    id: 'bench',
    name: 'bench',
    description: '',
    service: service(s),
    operation: operation(o),
    spanKind: 'server',
    objective: kind === 'latency' ? { kind: 'latency', thresholdMs: 5 } : { kind: 'availability' },
    target: 0.99,
    window: '7d',
  };
  const reading = await readSlo(store, definition, endOf(i));
  if (Number.isNaN(reading.status.sli ?? 0)) throw new Error('no SLI');
  return reading.series.length;
};
await time('(c) 7-day latency SLO evaluation (the server\'s reads), one hot operation', evaluation('latency', hotOp));
await time('(c) the same, one sparse operation', evaluation('latency', sparseOp));
await time('(c) the same hot operation re-evaluated each minute', evaluation('latency', () => ({ s: 0, o: 7 })));
await time('(c) 7-day availability SLO evaluation, one hot operation', evaluation('availability', (i) => ({ s: i % HOT, o: (i * 11 + 3) % 150 })));
// Heavier than an evaluation reads (every minute of 3 days), kept from before the evaluation read hours.
await time('(c\') latency SLO: one hot operation, 1-min steps over 3 days + 7-day total', slo('latency', hotOp));
await time('(c\') latency SLO: one sparse operation, same', slo('latency', sparseOp));
await time('(c\') latency SLO: the same hot operation re-evaluated each minute', slo('latency', () => ({ s: 0, o: 7 })));
await time('(c\') availability SLO: one hot operation, same reads (counts only)', slo('availability', (i) => ({ s: i % HOT, o: (i * 11 + 3) % 150 })));
const cache = store.cacheSize();
// The estimate beside what the process holds: the heap after a full collection (with --expose-gc; without it the
// heap still holds garbage), the cache and everything else together.
global.gc?.();
const heap = process.memoryUsage().heapUsed / 2 ** 20;
console.log(
  `closed-period cache after the queries: ${fmt(cache.entries)} entries, ${fmt(cache.bytes / 2 ** 20, 1)} MiB (estimated); process heap ${fmt(heap, 1)} MiB${global.gc ? ' after a full collection' : ' (run with --expose-gc to collect first)'}`,
);

// Retention: the oldest day goes (its table is dropped), then a day more is appended. DuckDB does not shrink its
// file, but reuses the blocks a checkpoint frees: the file should not grow by a day's worth.
if (!done || process.env.CLEW_BENCH_METRICS_RETENTION === '1') {
  await store.maintain();
  const before = await sizeOf(path);
  const td = performance.now();
  // A day (or half the data in a shorter run) goes, and as much is appended.
  const span = Math.min(DAY, Math.floor((END - START) / 2 / MINUTE) * MINUTE);
  const dropped = await store.dropBefore(START + span);
  await store.maintain();
  const afterDrop = await sizeOf(path);
  console.log(`\nretention: dropBefore(the oldest ${fmt(span / HOUR)} h) removed ${fmt(dropped)} minute rows in ${fmt(performance.now() - td)} ms; file ${fmt(before / 1e6, 1)} → ${fmt(afterDrop / 1e6, 1)} MB`);
  wal = (await store.lastPosition()) + 1n;
  for (let minute = END; minute < END + span; minute += MINUTE) {
    await store.append({ spans: minuteRows(minute), edges: [], errors: [] }, wal++);
    if ((minute / MINUTE) % 60 === 59) await store.maintain();
  }
  await store.maintain();
  console.log(`  ${fmt(span / HOUR)} h more appended: file ${fmt((await sizeOf(path)) / 1e6, 1)} MB (that much data is about ${fmt((before * span) / (END - START) / 1e6, 1)} MB of it)`);
  await writeFile(doneFile, JSON.stringify({ ...filled, note: 'the retention step moved this store a day on' }));
}
await store.close();
if (!keepDir) await rm(dir, { recursive: true, force: true });
