// Decode throughput of the OTLP codecs on one core: protobuf (the hand-written reader), protobuf+gzip, JSON, and
// protobufjs (the reference) for comparison. Each figure is printed next to the limit from docs (DESIGN §10).
//
//   npx tsc -b && node bench/decode.js [--spans 200000] [--seconds 3]
//
// Spans come from bench/lib/generate.js (realistic: ~10 attributes, ~450 B protobuf each) in 512-span batches.
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { decodeOtlpJson, decodeOtlpProto, encodeOtlpJson, encodeOtlpProto } from '@clew/codecs';
import { generateSpans } from './lib/generate.js';

const require = createRequire(import.meta.url);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL = arg('spans', 100_000);
const SECONDS = arg('seconds', 3);
const BATCH = 512;

const spans = generateSpans(TOTAL, { seed: 1 });
const batches = [];
for (let i = 0; i < spans.length; i += BATCH) batches.push(spans.slice(i, i + BATCH));
const proto = batches.map((b) => Buffer.from(encodeOtlpProto(b)));
const gzipped = proto.map((b) => gzipSync(b));
const json = batches.map((b) => Buffer.from(JSON.stringify(encodeOtlpJson(b))));

const bytesPerSpan = (bufs) => bufs.reduce((n, b) => n + b.length, 0) / spans.length;

/** Runs `decode` over every batch repeatedly for about SECONDS and returns spans per second. */
function measure(decode, inputs) {
  for (let i = 0; i < Math.min(inputs.length, 50); i++) decode(inputs[i]); // warm up the JIT
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < SECONDS) {
    for (let i = 0; i < inputs.length; i++) n += decode(inputs[i]);
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return n / elapsed;
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
if (reference) {
  const count = (m) => m.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((k, ss) => k + ss.spans.length, 0), 0);
  rows.push(['protobufjs (reference, not converted to the model)', () => measure((b) => count(reference.decode(b)), proto), 241_000]);
}

const fmt = (n) => `${(n / 1000).toFixed(0)}k`.padStart(7);
console.log(
  `decode, one core: ${spans.length} spans in ${batches.length} batches of ${BATCH}; ` +
    `${bytesPerSpan(proto).toFixed(0)} B/span protobuf, ${bytesPerSpan(gzipped).toFixed(0)} B gzipped, ${bytesPerSpan(json).toFixed(0)} B JSON`,
);
for (const [name, run, limit] of rows) {
  const rate = run();
  console.log(`${name.padEnd(52)} ${fmt(rate)} spans/s   (limit ${fmt(limit)}, ${((rate / limit) * 100).toFixed(0)}%)`);
}
