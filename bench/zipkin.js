// Zipkin JSON v2 ingest: decode only (one core, spans per CPU-second, beside OTLP JSON for the same spans), and end
// to end: POST /api/v2/spans requests of 512 realistic spans into a real `clew serve` pinned to one core, until
// every span is acknowledged (202, durable in the write-ahead log) and then written to the store.
//
//   npm run build && node bench/zipkin.js        (CLEW_BENCH_ZIPKIN_SPANS=200000 by default; --seconds 3;
//                                                 --decode-only skips the end-to-end part)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOtlpJson, decodeZipkinJson, encodeOtlpJson, toZipkinTrace } from '@clew/codecs';
import { startServer } from './lib/clew-server.js';
import { sendLoad } from './lib/send-load.js';
import { generateSpans } from './lib/generate.js';

const TOTAL = Number(process.env.CLEW_BENCH_ZIPKIN_SPANS ?? 200_000);
const BATCH = 512;
const CONCURRENCY = Number(process.env.CLEW_BENCH_CONCURRENCY ?? 4);
const i = process.argv.indexOf('--seconds');
const SECONDS = i > 0 ? Number(process.argv[i + 1]) : 3;
const DECODE_ONLY = process.argv.includes('--decode-only');
const fmt = (n) => Math.round(n).toLocaleString('en-US');

// The same realistic spans as the other benches, written as Zipkin clients would (OpenTelemetry's Zipkin mapping).
const now = BigInt(Date.now()) * 1_000_000n;
const spans = generateSpans(TOTAL, { seed: 3 }).map((s) => ({
  ...s,
  startTimeUnixNano: now + (s.startTimeUnixNano % 3_600_000_000_000n),
  endTimeUnixNano: now + (s.startTimeUnixNano % 3_600_000_000_000n) + (s.endTimeUnixNano - s.startTimeUnixNano),
}));
const zipkin = [];
const zipkinNumbers = [];
const otlp = [];
for (let k = 0; k < spans.length; k += BATCH) {
  const batch = spans.slice(k, k + BATCH);
  const z = toZipkinTrace(batch);
  zipkin.push(Buffer.from(JSON.stringify(z)));
  zipkinNumbers.push(Buffer.from(JSON.stringify(z.map(withNumberTags))));
  otlp.push(Buffer.from(JSON.stringify(encodeOtlpJson(batch))));
}

/** The span as py_zipkin sends it: tags whose value is a number (status codes, sizes, ports) as JSON numbers. */
function withNumberTags(span) {
  if (span.tags === undefined) return span;
  const tags = {};
  for (const [key, value] of Object.entries(span.tags)) tags[key] = /^-?[0-9]+$/.test(value) ? Number(value) : value;
  return { ...span, tags };
}
const bytes = (bufs) => bufs.reduce((n, b) => n + b.length, 0) / spans.length;
console.log(`zipkin: ${fmt(spans.length)} spans in ${zipkin.length} batches of ${BATCH}; ${bytes(zipkin).toFixed(0)} B/span Zipkin JSON, ${bytes(otlp).toFixed(0)} B/span OTLP JSON`);

/** Median spans per CPU-second over rounds of decoding every batch for about SECONDS (as bench/decode.js). */
function measure(decode, inputs) {
  for (let k = 0; k < Math.min(inputs.length, 50); k++) decode(inputs[k]);
  const rates = [];
  const deadline = performance.now() + SECONDS * 1000;
  while (performance.now() < deadline || rates.length < 5) {
    let n = 0;
    const t0 = process.cpuUsage();
    for (const b of inputs) n += decode(b);
    const { user, system } = process.cpuUsage(t0);
    rates.push((n * 1e6) / (user + system));
  }
  return rates.sort((a, b) => a - b)[rates.length >> 1];
}
const zipkinRate = measure((b) => decodeZipkinJson(b).spans.length, zipkin);
const zipkinNumbersRate = measure((b) => decodeZipkinJson(b).spans.length, zipkinNumbers);
const otlpRate = measure((b) => decodeOtlpJson(b).spans.length, otlp);
console.log(`  decode, one core: Zipkin JSON v2 ${fmt(zipkinRate)} spans/CPU-s; OTLP JSON of the same spans ${fmt(otlpRate)} (DESIGN §10 limit for OTLP JSON: 242,000)`);
console.log(`                    Zipkin JSON v2 with number tags (as py_zipkin sends them) ${fmt(zipkinNumbersRate)} spans/CPU-s`);
if (DECODE_ONLY) process.exit(0);

const dir = await mkdtemp(join(tmpdir(), 'clew-bench-zipkin-'));
const server = await startServer(dir);
const { refused, ackSeconds, ackCpu, storeSeconds, storeCpu } = await sendLoad(server, zipkin, {
  url: `${server.zipkin}/api/v2/spans`,
  contentType: 'application/json',
  okStatus: 202,
  concurrency: CONCURRENCY,
  spans: spans.length,
});
await server.stop();
await rm(dir, { recursive: true, force: true });
console.log(`  end to end (${server.pinned ? 'server pinned to core 0' : 'server not pinned'}, ${CONCURRENCY} connections):`);
console.log(`    acknowledged (202, durable in the write-ahead log): ${fmt(spans.length / ackSeconds)} spans/s wall, ${fmt(spans.length / ackCpu)} spans per server CPU-second (${refused} requests pushed back with 503)`);
console.log(`    written to the store:                               ${fmt(spans.length / storeSeconds)} spans/s wall, ${fmt(spans.length / storeCpu)} spans per server CPU-second   target ≥ 100,000 spans/s per core (DESIGN, OTLP)`);
