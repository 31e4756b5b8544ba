// Export and import benchmark: `clew export` and `clew import`, each direction in each file format, against a data
// directory (the DuckDB store opened directly) and a running `clew serve` (the export route on the query port, OTLP/HTTP).
//
//   npx tsc -b && node bench/export-import.js                    # 500,000 spans
//   CLEW_BENCH_EXPORT_SPANS=200000 node bench/export-import.js    # a quick run
//
// Realistic spans (lib/generate.js) are appended to a data directory first (not measured). Then, timed: export of
// all of them from the directory as OTLP JSON lines and as OTLP protobuf; import of each file into an empty directory;
// the same through a running Clew (pinned to core 0, this process on core 1: see lib/clew-server.js). Each line
// prints spans per second of wall time and the CPU seconds used: this process's (every thread, DuckDB's included)
// and, through a server, the server's. The commands run in this process (@clew/cli, built).
// `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/export-import.js` profiles this side.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDBStore } from '@clew/storage';
import { clewTarget, dataDirTarget, exportSpans, importFile } from '@clew/cli';
import { generateSpans } from './lib/generate.js';
import { startServer } from './lib/clew-server.js';

const TOTAL = Number(process.env.CLEW_BENCH_EXPORT_SPANS ?? 500_000);
const TARGET = 100_000;
const START = 1_764_000_000_000_000_000n;
const WINDOW = { start: START - 1n, end: START + 10n ** 15n };

const root = await mkdtemp(join(tmpdir(), 'clew-bench-export-'));
const source = join(root, 'source');
await fillSource();

/**
 * Appends the generated spans to the source directory. A function of its own, not a block of this module: a block's
 * variables stay alive while the module's top-level code awaits, and half a million generated spans kept alive made
 * every garbage collection of the measured commands mark them (import -d measured 58,000 spans/s with them in the
 * heap and 87,000 without, the same build).
 */
async function fillSource() {
  const store = await openDuckDBStore({ dir: join(source, 'store'), memoryLimit: '1GB' });
  const spans = generateSpans(TOTAL, { seed: 5, startNs: START });
  for (let i = 0; i < spans.length; i += 50_000) await store.append(spans.slice(i, i + 50_000));
  await store.close();
}

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const quiet = { update() {}, done() {} };
const rows = [];

/** Runs `fn` (resolving to spans moved) and records spans/s of wall time with this process's and the server's CPU. */
async function measure(name, fn, server) {
  global.gc?.();
  const [t0, c0, s0] = [performance.now(), cpu(), server?.cpuSeconds() ?? 0];
  const spans = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const row = { name, spans, rate: spans / seconds, seconds, cpu: cpu() - c0, serverCpu: server ? server.cpuSeconds() - s0 : undefined };
  rows.push(row);
  const serverPart = row.serverCpu === undefined ? '' : `, server CPU ${row.serverCpu.toFixed(1)} s`;
  console.log(
    `${name.padEnd(34)} ${Math.round(row.rate).toLocaleString('en-US').padStart(9)} spans/s  (${spans.toLocaleString('en-US')} spans in ${seconds.toFixed(1)} s; CPU ${row.cpu.toFixed(1)} s here${serverPart})  target ≥ ${TARGET.toLocaleString('en-US')}`,
  );
}

async function exportTo(file, from, format) {
  const out = createWriteStream(file);
  const spans = await exportSpans(from, { ...WINDOW, format }, out, quiet);
  await new Promise((resolve) => out.end(resolve));
  return spans;
}

async function importInto(file, target, batchSpans) {
  await rm(`${file}.clew-import`, { force: true }); // the last import's checkpoint: this is a new one
  const summary = await importFile(file, target, { batchSpans, out: { isTTY: false, write() {} } });
  await target.close();
  if (summary.counts.written !== TOTAL) throw new Error(`${file}: wrote ${summary.counts.written} of ${TOTAL} spans`);
  return summary.counts.written;
}

const files = { json: join(root, 'spans.jsonl'), protobuf: join(root, 'spans.pb') };
console.log(`${TOTAL.toLocaleString('en-US')} spans`);
for (const format of ['json', 'protobuf']) await measure(`export -d, ${format}`, () => exportTo(files[format], { dataDir: source }, format));
for (const format of ['json', 'protobuf']) {
  console.log(`  ${format} file: ${Math.round((await stat(files[format])).size / TOTAL)} B/span`);
  await measure(`import -d, ${format}`, async () => importInto(files[format], await dataDirTarget(join(root, `imported-${format}`), 'default'), 20_000));
  await measure(`import -d --no-metrics, ${format}`, async () =>
    importInto(files[format], await dataDirTarget(join(root, `imported-${format}-uncounted`), 'default', { metrics: false }), 20_000),
  );
}

// Through running Clews: export from one holding the spans, import into an empty one.
const exporting = await startServer(source, ['--memory-limit', '1GB']);
for (const format of ['json', 'protobuf']) {
  await measure(`export --url, ${format}`, () => exportTo(join(root, `url.${format}`), { url: exporting.query }, format), exporting);
}
await exporting.stop();
for (const format of ['json', 'protobuf']) {
  const server = await startServer(join(root, `served-${format}`), ['--memory-limit', '1GB']);
  await measure(`import --url, ${format}`, () => importInto(files[format], clewTarget({ query: server.query, otlp: server.otlpHttp }), 5000), server);
  await server.stop();
}

await rm(root, { recursive: true, force: true });
