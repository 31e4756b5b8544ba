// One `clew export` or `clew import` of bench/export-import.js, timed in a process of its own, as the command runs:
// its heap and compiled code start afresh, with nothing of the benchmark's setup or of the other directions in them.
// Prints {spans, seconds, cpu}: spans moved, wall seconds, and this process's CPU seconds (every thread, DuckDB's and
// the JSON decoding thread's included).
//
//   (--max-semi-space-size=64 --initial-old-space-size=256 is what the `clew` command starts node with: packages/cli/bin/clew.js)
//   node --max-semi-space-size=64 --initial-old-space-size=256 --expose-gc bench/lib/export-import-step.js '{"op":"export","file":…,"from":{"dataDir":…},"start":"…","end":"…","format":"json"}'
//   node --max-semi-space-size=64 --initial-old-space-size=256 --expose-gc bench/lib/export-import-step.js '{"op":"import","file":…,"dir":…,"metrics":true,"batchSpans":20000,"expect":500000}'
//   (an import through a running Clew gives "url": {"query": …, "otlp": …} instead of "dir")
//   node bench/lib/export-import-step.js '{"op":"fill","dir":…,"spans":500000,"start":"…"}'   (the source, not timed)
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { clewTarget, dataDirTarget, exportSpans, importFile } from '@clew/cli';
import { openDuckDBStore } from '@clew/storage';
import { generateSpans } from './generate.js';

const step = JSON.parse(process.argv[2]);
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

async function exportTo() {
  const out = createWriteStream(step.file);
  const window = { start: BigInt(step.start), end: BigInt(step.end), format: step.format };
  const spans = await exportSpans(step.from, window, out, { update() {}, done() {} });
  await new Promise((resolve) => out.end(resolve));
  return spans;
}

async function importFrom() {
  const target = step.url ? clewTarget(step.url) : await dataDirTarget(step.dir, 'default', { metrics: step.metrics });
  const summary = await importFile(step.file, target, { batchSpans: step.batchSpans, out: { isTTY: false, write() {} } });
  await target.close();
  if (summary.counts.written !== step.expect) throw new Error(`${step.file}: wrote ${summary.counts.written} of ${step.expect} spans`);
  return summary.counts.written;
}

/** The benchmark's source: its generated spans appended to a data directory's store. */
async function fill() {
  const store = await openDuckDBStore({ dir: join(step.dir, 'store'), memoryLimit: '1GB' });
  const spans = generateSpans(step.spans, { seed: 5, startNs: BigInt(step.start) });
  for (let i = 0; i < spans.length; i += 50_000) await store.append(spans.slice(i, i + 50_000));
  await store.close();
}

if (step.op === 'fill') {
  await fill();
  process.exit(0);
}
if (step.op === 'import') await rm(`${step.file}.clew-import`, { force: true }); // the last import's checkpoint: this is a new one
global.gc?.();
const [t0, c0] = [performance.now(), cpu()];
const spans = step.op === 'export' ? await exportTo() : await importFrom();
process.stdout.write(JSON.stringify({ spans, seconds: (performance.now() - t0) / 1000, cpu: cpu() - c0 }));
