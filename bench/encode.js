// What encoding a span for the DuckDB store costs on the thread that appends (SpanChunk: its columns, its attribute
// and event text, the attribute bloom's entries, the copy into DuckDB data chunks), as a store append does it: the
// spans decoded from protobuf first (as a receiver or `clew import` has them), 20,000 to a batch, 8 rounds. Each run is
// a process of its own, several of them, because what V8's optimising compiler makes of the encoder can differ from
// one process to the next: the figure that matters is the spread over processes, not one run's.
//
//   npx tsc -b && node bench/encode.js [--spans 200000] [--processes 5]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeOtlpProto, encodeOtlpProto } from '@clew/codecs';
import { encodeRows } from '@clew/storage';
import { generateSpans } from './lib/generate.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SPANS = arg('spans', 200_000);
const PROCESSES = arg('processes', 5);
const BATCH = 20_000;
const ROUNDS = 8;

if (process.argv.includes('--child')) {
  // Decoded as a receiver decodes them, so that strings and values are what the encoder meets in Clew.
  const spans = [];
  const generated = generateSpans(SPANS, { seed: 3 });
  for (let i = 0; i < generated.length; i += 1000) spans.push(...decodeOtlpProto(encodeOtlpProto(generated.slice(i, i + 1000))).spans);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    encodeRows(spans, BATCH);
    rounds.push(((performance.now() - t) * 1000) / spans.length);
  }
  // The first two rounds warm up.
  const settled = rounds.slice(2).sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ median: settled[settled.length >> 1], rounds }));
  process.exit(0);
}

console.log(`encoding ${SPANS.toLocaleString('en-US')} spans for the DuckDB store, ${PROCESSES} processes of ${ROUNDS} rounds`);
const medians = [];
for (let p = 0; p < PROCESSES; p++) {
  const { median, rounds } = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--spans', String(SPANS)], { encoding: 'utf8' }));
  medians.push(median);
  console.log(`process ${p + 1}: median ${median.toFixed(2)} µs/span  (rounds ${rounds.map((x) => x.toFixed(2)).join(' ')})`);
}
medians.sort((a, b) => a - b);
console.log(`over processes: ${medians[0].toFixed(2)}–${medians[medians.length - 1].toFixed(2)} µs/span, median ${medians[medians.length >> 1].toFixed(2)}`);
