// ClickHouse store benchmark: a private clickhouse-server (the installed one, Debian's 18.16 on these machines)
// holding realistic spans.
//
//   npx tsc -b && node bench/clickhouse.js                 # 1M spans
//   CLEW_BENCH_SPANS=200000 node bench/clickhouse.js       # a quick run
//   node --expose-gc bench/clickhouse.js                   # collects the generator's garbage before each append,
//                                                          # so that the Node CPU figure is the store's own
//
// Prints append throughput in batches of CLEW_BENCH_BATCH spans (default 50,000; wall clock, and the Node process's
// CPU per span: encoding and sending, not the server's), bytes per span on disk after OPTIMIZE … FINAL with the
// largest columns, then trace by id (no time hint), newest-20 search by service + operation + minDuration in the
// data's window, and the same with an attribute, each p50 / p99 next to its target (the targets are for 10M spans).
import { openClickHouseStore } from '@clew/storage';
import { startClickHouse } from './lib/clickhouse-server.js';
import { appendSpanBatches } from './lib/span-batches.js';

const TOTAL = Number(process.env.CLEW_BENCH_SPANS ?? 1_000_000);
const BATCH = Number(process.env.CLEW_BENCH_BATCH ?? 50_000);
const QUERIES = Number(process.env.CLEW_BENCH_QUERIES ?? 100);
const MS = 1_000_000n;
const DAY = 1_764_000_000_000_000_000n;

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const row = (what, value, target) => console.log(`${what.padEnd(62)} ${String(value).padStart(14)}   ${target}`);
const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

const server = await startClickHouse();

/**
 * Merges the table into one part per partition. OPTIMIZE … FINAL does nothing while a background merge holds some
 * of the parts (as zstd's slower merges often do at the end of the appends): then it waits for the merges and asks
 * again, so that every run measures the same layout.
 */
async function optimizeWhole(table) {
  for (let attempt = 0; ; attempt++) {
    await server.sql(`OPTIMIZE TABLE bench.${table} FINAL`);
    const most = Number(
      await server.sql(`SELECT max(n) FROM (SELECT count() AS n FROM system.parts WHERE database = 'bench' AND table = '${table}' AND active GROUP BY partition)`),
    );
    if (most <= 1) return;
    if (attempt === 20) throw new Error(`bench.${table} still has ${most} parts in a partition after 20 OPTIMIZE … FINAL`);
    while (Number(await server.sql(`SELECT count() FROM system.merges WHERE database = 'bench' AND table = '${table}'`)) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
const { sql } = server;
try {
  console.log(`clew ClickHouse benchmark: ${fmt(TOTAL)} spans in batches of ${fmt(BATCH)}, clickhouse-server ${server.version}, ${server.compression}\n`);
  const store = await openClickHouseStore({ url: server.url, database: 'bench', now: () => DAY });

  let wall = 0;
  let cpu = 0;
  let wal = 0n;
  const { stored, sampleIds, operations: names, first, last } = await appendSpanBatches({ total: TOTAL, batch: BATCH, startNs: DAY }, async (batch) => {
    globalThis.gc?.();
    const t = performance.now();
    const c = cpuNow();
    await store.append(batch, ++wal);
    cpu += cpuNow() - c;
    wall += performance.now() - t;
  });
  row(`append, ${fmt(BATCH)}-span batches (spans/s, wall)`, fmt(stored / (wall / 1000)), '≥ 50,000/s end to end through one collector');
  row('  Node CPU per span (µs: encoding and sending)', fmt(cpu / stored, 2), `${fmt(1e6 / (cpu / stored))} spans per Node CPU-second`);

  const t = performance.now();
  for (const table of ['spans', 'trace_index']) await optimizeWhole(table);
  row('OPTIMIZE … FINAL of both tables (ms)', fmt(performance.now() - t), 'in the background normally');
  const bytes = Number(await sql(`SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' AND active`));
  row('bytes per span on disk (every table)', fmt(bytes / stored, 1), '≤ 60 B/span');
  const columns = await sql(
    `SELECT table, name, data_compressed_bytes FROM system.columns WHERE database = 'bench' AND table IN ('spans', 'trace_index')
     ORDER BY data_compressed_bytes DESC LIMIT 14`,
  );
  console.log(
    `  largest columns (B/span): ${columns
      .split('\n')
      .map((l) => l.split('\t'))
      .map(([table, name, b]) => `${table === 'spans' ? '' : `${table}.`}${name} ${fmt(Number(b) / stored, 1)}`)
      .join(', ')}`,
  );

  const percentiles = (ms) => {
    const s = [...ms].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return `${fmt(q(0.5), 1)} / ${fmt(q(0.99), 1)}`;
  };
  // The three slowest reads and where they fell in the run (#0 is the first, on cold caches).
  const slowest = (ms) =>
    ms
      .map((v, i) => [v, i])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(([v, i]) => `#${i} ${fmt(v, 1)} ms`)
      .join(', ');
  const timeQueries = async (run) => {
    const out = [];
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      await run(i);
      out.push(performance.now() - t0);
    }
    return out;
  };

  let found = 0;
  const byId = await timeQueries(async (i) => {
    found += (await store.getTrace(sampleIds[(i * 7919) % sampleIds.length])).length > 0 ? 1 : 0;
  });
  row(`trace by id, no time hint, p50 / p99 (ms) [${found}/${QUERIES} found]`, percentiles(byId), 'p99 ≤ 50 ms at 10M spans');
  console.log(`  (slowest: ${slowest(byId)})`);

  const window = { start: first, end: last + 1000n * MS };
  const search = (i, extra = {}) =>
    store.findTraces({ service: 'frontend', operation: names[i % names.length], minDuration: 20n * MS, limit: 20, ...window, ...extra });
  let totals = 0;
  const plain = await timeQueries(async (i) => {
    totals += (await search(i)).total;
  });
  row('newest 20 by service+operation+minDuration, p50 / p99 (ms)', percentiles(plain), 'p99 ≤ 100 ms at 10M spans');
  console.log(`  (mean ${fmt(totals / QUERIES)} matching traces per search)`);
  const tagged = await timeQueries((i) => search(i, { attributes: [['http.status_code', i % 2 ? '500' : '200']] }));
  row('  + attribute (http.status_code), p50 / p99 (ms)', percentiles(tagged), '≤ 300 ms');
  await store.close();
} finally {
  await server.stop();
}
