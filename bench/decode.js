// Decode throughput of the OTLP codecs on one core: protobuf (the hand-written reader), protobuf+gzip, JSON, and
// protobufjs (the reference) for comparison. Each figure is printed next to the limit from docs (DESIGN §10).
//
//   npx tsc -b && node bench/decode.js [--spans 200000] [--seconds 3]
//
// Spans come from bench/lib/generate.js (realistic: ~10 attributes, ~450 B protobuf each) in 512-span batches.
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { decodeJaegerThriftBatch, decodeOtlpJson, decodeOtlpProto, encodeOtlpJson, encodeOtlpProto } from '@clew/codecs';
import { generateSpans } from './lib/generate.js';
import { encodeJaegerBatches } from './lib/jaeger-thrift.js';

const require = createRequire(import.meta.url);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL = arg('spans', 51_200);
const SECONDS = arg('seconds', 3);
const BATCH = 512;

/** The encoded batches; the model spans they came from are dropped, so the decoders' garbage is all the GC sees. */
function encodedBatches() {
  const spans = generateSpans(TOTAL, { seed: 1 });
  const batches = [];
  for (let i = 0; i < spans.length; i += BATCH) batches.push(spans.slice(i, i + BATCH));
  const proto = batches.map((b) => Buffer.from(encodeOtlpProto(b)));
  const json = batches.map((b) => Buffer.from(JSON.stringify(encodeOtlpJson(b))));
  return { spanCount: spans.length, proto, gzipped: proto.map((b) => gzipSync(b)), json };
}
/** The same spans as Jaeger Thrift batches (built on demand: it is the slowest encoder here). */
encodedBatches.jaeger = () => {
  const spans = generateSpans(TOTAL, { seed: 1 });
  const out = [];
  for (let i = 0; i < spans.length; i += BATCH) out.push(...encodeJaegerBatches(spans.slice(i, i + BATCH)));
  return out;
};
const { spanCount, proto, gzipped, json } = encodedBatches();

const bytesPerSpan = (bufs) => bufs.reduce((n, b) => n + b.length, 0) / spanCount;

/**
 * Decodes every batch, round after round, for about SECONDS; returns the median and best spans per CPU-second of
 * the rounds. CPU time (this process's, GC threads included), not wall time: on a shared machine wall time also
 * counts the time another process held the core, and medians of it swung by ±30% from run to run.
 */
function measure(decode, inputs) {
  for (let i = 0; i < Math.min(inputs.length, 50); i++) decode(inputs[i]); // warm up the JIT
  const rates = [];
  const deadline = performance.now() + SECONDS * 1000;
  while (performance.now() < deadline || rates.length < 5) {
    let n = 0;
    const t0 = process.cpuUsage();
    for (let i = 0; i < inputs.length; i++) n += decode(inputs[i]);
    const { user, system } = process.cpuUsage(t0);
    rates.push((n * 1e6) / (user + system));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[rates.length >> 1], best: rates[rates.length - 1] };
}

let reference = null;
try {
  const root = require('otlp-transformer-0.52/build/src/generated/root.js');
  reference = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
} catch {
  // the reference is a dev dependency; without it the comparison row is left out
}

const rows = [
  ['OTLP protobuf, hand-written reader', () => measure((b) => decodeOtlpProto(b).spans.length, proto), 1_150_000],
  ['OTLP protobuf + gzip', () => measure((b) => decodeOtlpProto(gunzipSync(b)).spans.length, gzipped), 705_000],
  ['OTLP JSON', () => measure((b) => decodeOtlpJson(b).spans.length, json), 242_000],
];
// Jaeger Thrift (binary, as jaeger-client sends it): no limit of its own, so beside the OTLP protobuf reader's.
const jaegerThrift = encodedBatches.jaeger();
rows.push(['Jaeger Thrift binary (one Batch per service)', () => measure((b) => decodeJaegerThriftBatch(b).spans.length, jaegerThrift), 1_150_000]);
if (reference) {
  const count = (m) => m.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((k, ss) => k + ss.spans.length, 0), 0);
  rows.push(['protobufjs (reference, not converted to the model)', () => measure((b) => count(reference.decode(b)), proto), 241_000]);
}

const fmt = (n) => `${(n / 1000).toFixed(0)}k`.padStart(7);
console.log(
  `decode, one core: ${spanCount} spans in ${proto.length} batches of ${BATCH}; ` +
    `${bytesPerSpan(proto).toFixed(0)} B/span protobuf, ${bytesPerSpan(gzipped).toFixed(0)} B gzipped, ${bytesPerSpan(json).toFixed(0)} B JSON`,
);
console.log(`${''.padEnd(52)}  median spans/CPU-s (best) limit`);
for (const [name, run, limit] of rows) {
  const { median, best } = run();
  console.log(`${name.padEnd(52)} ${fmt(median)} (${fmt(best).trim()})   ${fmt(limit)}  ${((median / limit) * 100).toFixed(0)}%`);
}
