// The ClickHouse store on one server and over a two-shard cluster (two private clickhouse-server processes on this
// machine naming each other in remote_servers), the same spans into each, interleaved batch by batch.
//
//   npx tsc -b && node bench/clickhouse-cluster.js             # 300k spans into each
//   CLEW_BENCH_SPANS=1000000 node bench/clickhouse-cluster.js
//
// Prints, for each layout: append throughput (wall), the Node process's CPU per span (encoding, splitting by shard,
// sending) and the ClickHouse servers' CPU per span (all of the layout's servers, from /proc); then trace by id and
// the newest-20 search (service + operation + minDuration, and with an attribute) p50 / p99, alternating the two
// layouts query by query. Both layouts share this machine's cores: the cluster's figures say what the split and the
// Distributed reads cost, not what a second machine would add.
import { readFileSync } from 'node:fs';
import { openClickHouseStore } from '@clew/storage';
import { startClickHouse } from './lib/clickhouse-server.js';
import { appendSpanBatches } from './lib/span-batches.js';

// bench/lib/clickhouse-server.js has made the testing module loadable outside vitest.
const { startClickHouseCluster } = await import('../packages/testing/dist/clickhouse-server.js');

const TOTAL = Number(process.env.CLEW_BENCH_SPANS ?? 300_000);
const BATCH = Number(process.env.CLEW_BENCH_BATCH ?? 50_000);
const QUERIES = Number(process.env.CLEW_BENCH_QUERIES ?? 100);
const MS = 1_000_000n;
const DAY = 1_764_000_000_000_000_000n;

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const row = (what, single, cluster) => console.log(`${what.padEnd(58)} ${String(single).padStart(14)} ${String(cluster).padStart(14)}`);
const nodeCpu = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
/** A process's user + system CPU in µs (/proc/<pid>/stat, clock ticks of 10 ms). */
const procCpu = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};
const percentiles = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `${fmt(q(0.5), 1)} / ${fmt(q(0.99), 1)}`;
};

const single = await startClickHouse();
const cluster = await startClickHouseCluster('bench_shards');
try {
  const urls = cluster.shards.map((s) => s.url);
  console.log(`clew ClickHouse one server vs two shards: ${fmt(TOTAL)} spans each in batches of ${fmt(BATCH)}, clickhouse-server ${single.version}\n`);
  const layouts = [
    { store: await openClickHouseStore({ url: single.url, database: 'bench', now: () => DAY }), pids: [single.pid] },
    {
      store: await openClickHouseStore({ url: urls[0], database: 'bench', cluster: cluster.name, shards: urls, now: () => DAY }),
      pids: cluster.shards.map((s) => s.pid),
    },
  ];
  for (const l of layouts) Object.assign(l, { wall: 0, cpu: 0, server: 0, byId: [], plain: [], tagged: [] });

  let wal = 0n;
  const { stored, sampleIds, operations: names, first, last } = await appendSpanBatches({ total: TOTAL, batch: BATCH, startNs: DAY }, async (batch) => {
    wal++;
    // Interleaved: the same batch into each layout, in turn.
    for (const l of layouts) {
      globalThis.gc?.();
      const server = l.pids.reduce((sum, pid) => sum + procCpu(pid), 0);
      const t = performance.now();
      const c = nodeCpu();
      await l.store.append(batch, wal);
      l.cpu += nodeCpu() - c;
      l.wall += performance.now() - t;
      l.server += l.pids.reduce((sum, pid) => sum + procCpu(pid), 0) - server;
    }
  });
  row('', 'one server', 'two shards');
  row(`append, ${fmt(BATCH)}-span batches (spans/s, wall)`, ...layouts.map((l) => fmt(stored / (l.wall / 1000))));
  row('  Node CPU per span (µs)', ...layouts.map((l) => fmt(l.cpu / stored, 2)));
  row('  ClickHouse CPU per span (µs, every server of the layout)', ...layouts.map((l) => fmt(l.server / stored, 2)));
  for (const l of layouts) {
    const t = await l.store.findTraces({ limit: 1, start: first, end: last + 1000n * MS });
    l.total = t.total;
  }
  row('traces stored', ...layouts.map((l) => fmt(l.total)));

  const window = { start: first, end: last + 1000n * MS };
  const search = (store, i, extra = {}) =>
    store.findTraces({ service: 'frontend', operation: names[i % names.length], minDuration: 20n * MS, limit: 20, ...window, ...extra });
  const timed = async (list, run) => {
    const t0 = performance.now();
    await run();
    list.push(performance.now() - t0);
  };
  for (let i = 0; i < QUERIES; i++) {
    for (const l of i % 2 ? [...layouts].reverse() : layouts) {
      await timed(l.byId, () => l.store.getTrace(sampleIds[(i * 7919) % sampleIds.length]));
      await timed(l.plain, () => search(l.store, i));
      await timed(l.tagged, () => search(l.store, i, { attributes: [['http.status_code', i % 2 ? '500' : '200']] }));
    }
  }
  row('trace by id, no time hint, p50 / p99 (ms)', ...layouts.map((l) => percentiles(l.byId)));
  row('newest 20 by service+operation+minDuration, p50 / p99 (ms)', ...layouts.map((l) => percentiles(l.plain)));
  row('  + attribute (http.status_code), p50 / p99 (ms)', ...layouts.map((l) => percentiles(l.tagged)));
  for (const l of layouts) await l.store.close();
} finally {
  await Promise.all([single.stop(), cluster.stop()]);
}
