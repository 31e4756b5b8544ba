// The DuckDB store's cost of a batch size: spans appended through `openBatch` (as a Clew's store writer appends them,
// 5,000 spans a request), the store checkpointing as it does, each batch size in a process of its own.
//
//   npx tsc -b && node bench/store-batches.js                        # 983,040 spans (8 row groups), three rounds
//   CLEW_BENCH_STORE_BATCHES=122880,125000 CLEW_BENCH_ROUNDS=5 node bench/store-batches.js
//
// Per batch size: the process's CPU (every thread: DuckDB's commits and checkpoints included) a span, as the median of
// the rounds, which alternate the sizes; then the file's row groups and bytes per span after the store closed, and a
// scan of the whole file (a GROUP BY over every span, median of 15). 122,880 spans is DuckDB's row group: a batch of
// whole requests is seldom a whole number of them. `1000/5` is a light load: batches of 1,000 spans and a checkpoint
// after every fifth (as the store's timer makes them when few spans come), each checkpoint starting a row group.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SPANS = Number(process.env.CLEW_BENCH_STORE_SPANS ?? 983_040);
const SIZES = (process.env.CLEW_BENCH_STORE_BATCHES ?? '122880,125000,50000,1000/5').split(',');
const ROUNDS = Number(process.env.CLEW_BENCH_ROUNDS ?? 3);
const REQUEST = 5_000;

if (process.argv[2] === 'run') {
  // One batch size, in this process: spans made first (not measured), then appended and the store closed.
  const [batch, every] = process.argv[3].split('/').map(Number);
  const dir = process.argv[4];
  const { openDuckDBStore } = await import('@clew/storage');
  const { generateSpans } = await import('./lib/generate.js');
  const spans = generateSpans(SPANS, { seed: 7, startNs: BigInt(Date.now()) * 1_000_000n });
  const store = await openDuckDBStore({ dir, memoryLimit: '1GB', threads: 1 });
  await store.append([]); // the partition of now attached, so that batches are encoded as they are added
  global.gc?.();
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1e6;
  };
  const c0 = cpu();
  let position = 0n;
  for (let i = 0; i < spans.length; i += batch) {
    const encoding = store.openBatch();
    const end = Math.min(i + batch, spans.length);
    for (let k = i; k < end; k += REQUEST) encoding.add(spans.slice(k, Math.min(k + REQUEST, end)), 'default');
    await encoding.append(++position);
    if (every !== undefined && position % BigInt(every) === 0n) await store.checkpoint();
  }
  await store.close(); // its last checkpoint
  const seconds = cpu() - c0;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { readdir } = await import('node:fs/promises');
  const file = join(dir, (await readdir(dir)).find((f) => f.endsWith('.duckdb')));
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  const rows = (await conn.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('spans')`)).getRows();
  const scans = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    await conn.runAndReadAll('SELECT name, count(*), max(duration_ns) FROM spans GROUP BY name');
    scans.push(performance.now() - t);
  }
  conn.closeSync();
  scans.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ seconds, rowGroups: Number(rows[0][0]), bytes: (await stat(file)).size, scanMs: scans[7] }));
  process.exit(0);
}

const root = await mkdtemp(join(tmpdir(), 'clew-bench-batches-'));
const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const results = new Map(SIZES.map((s) => [s, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const size of round % 2 === 0 ? SIZES : [...SIZES].reverse()) {
    const dir = join(root, `b${size.replace('/', '-')}-${round}`);
    const { stdout } = await run(process.execPath, ['--expose-gc', self, 'run', size, dir], { maxBuffer: 1 << 20 });
    results.get(size).push(JSON.parse(stdout));
    await rm(dir, { recursive: true, force: true });
  }
}
await rm(root, { recursive: true, force: true });
console.log(`${SPANS.toLocaleString('en-US')} spans appended in requests of ${REQUEST.toLocaleString('en-US')}; median of ${ROUNDS} round(s) [fastest–slowest]`);
for (const [size, runs] of results) {
  const ms = runs.map((r) => (r.seconds / SPANS) * 1e6).sort((a, b) => a - b);
  const last = runs[runs.length - 1];
  const scan = runs.map((r) => r.scanMs).sort((a, b) => a - b)[(runs.length - 1) >> 1];
  const [batch, every] = size.split('/').map(Number);
  const name = `batches of ${batch.toLocaleString('en-US')}${every ? `, a checkpoint every ${every}` : ''}`;
  console.log(
    `${name.padEnd(40)} ${ms[(ms.length - 1) >> 1].toFixed(2)} µs CPU a span [${ms[0].toFixed(2)}–${ms[ms.length - 1].toFixed(2)}]; ` +
      `${last.rowGroups} row groups, ${(last.bytes / SPANS).toFixed(1)} B/span in the file, a scan of it ${scan.toFixed(1)} ms`,
  );
}
