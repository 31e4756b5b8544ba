// End-to-end ingest: OTLP/HTTP protobuf requests of 512 realistic spans into a real `clew serve`, until every
// span is acknowledged (durable in the write-ahead log) and then written to the store. Prints spans/s per core
// (spans over the server's own CPU seconds) and bytes per span on disk.
//
//   npm run build && node bench/ingest.js            (CLEW_BENCH_INGEST_SPANS=1000000 by default)
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOtlpProto } from '@clew/codecs';
import { startServer } from './lib/clew-server.js';
import { sendLoad } from './lib/send-load.js';
import { generateTraces } from './lib/generate.js';

const TOTAL = Number(process.env.CLEW_BENCH_INGEST_SPANS ?? 1_000_000);
const BATCH = 512;
const CONCURRENCY = Number(process.env.CLEW_BENCH_CONCURRENCY ?? 4);

function makeBatches() {
  const batches = [];
  let batch = [];
  let bytes = 0;
  const startNs = BigInt(Date.now()) * 1_000_000n;
  for (const trace of generateTraces({ seed: 42, startNs, traceIntervalNs: 100_000n })) {
    for (const span of trace) batch.push(span);
    if (batch.length >= BATCH) {
      const body = encodeOtlpProto(batch);
      bytes += body.length;
      batches.push({ body, spans: batch.length });
      batch = [];
      if (batches.length * BATCH >= TOTAL) break;
    }
  }
  return { batches, bytes };
}

async function dirBytes(dir) {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath ?? e.path, e.name))).size;
  }
  return total;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

const { batches, bytes } = makeBatches();
const spans = batches.reduce((n, b) => n + b.spans, 0);
console.log(`ingest: ${fmt(spans)} spans in ${batches.length} OTLP/HTTP protobuf requests of ${BATCH}, ${(bytes / spans).toFixed(0)} B/span on the wire, ${CONCURRENCY} connections`);

const dir = await mkdtemp(join(tmpdir(), 'clew-bench-ingest-'));
const server = await startServer(dir);
console.log(server.pinned ? '  server pinned to core 0, load generator to core 1' : '  server not pinned (one core, or CLEW_BENCH_PIN=0)');
const { refused, ackSeconds, ackCpu, storeSeconds, storeCpu } = await sendLoad(
  server,
  batches.map((b) => b.body),
  { url: server.otlpHttp, contentType: 'application/x-protobuf', okStatus: 200, concurrency: CONCURRENCY, spans },
);
await server.stop();
const disk = await dirBytes(join(dir, 'store'));
await rm(dir, { recursive: true, force: true });

console.log(`  acknowledged (durable in the write-ahead log): ${fmt(spans / ackSeconds)} spans/s wall, ${fmt(spans / ackCpu)} spans per server CPU-second (${refused} requests pushed back with 503)`);
console.log(`  written to the store:                          ${fmt(spans / storeSeconds)} spans/s wall, ${fmt(spans / storeCpu)} spans per server CPU-second   target ≥ 100,000 spans/s per core`);
console.log(`  on disk after shutdown: ${(disk / spans).toFixed(1)} B/span   target ≤ 60`);
