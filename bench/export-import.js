// Export and import benchmark: `clew export` and `clew import`, each direction in each file format, against a data
// directory (the DuckDB store opened directly) and a running `clew serve` (the export route on the query port, OTLP/HTTP).
//
//   npx tsc -b && node bench/export-import.js                    # 500,000 spans
//   CLEW_BENCH_EXPORT_SPANS=200000 CLEW_BENCH_RUNS=1 node bench/export-import.js    # a quick run
//
// Realistic spans (lib/generate.js) are appended to a data directory first, in a process of their own (not measured).
// Then, timed: export of all of them from the directory as OTLP JSON lines and as OTLP protobuf; import of each file
// into an empty directory; the same through a running Clew (pinned to core 0, the commands on core 1: see
// lib/clew-server.js); the imports through a Clew once more with nothing pinned, as the two run when typed on one
// machine. Each direction runs three times (CLEW_BENCH_RUNS) and its line gives the median run, the slowest and the
// fastest. Each command runs in a process of its own, as it does when typed (lib/export-import-step.js,
// through @clew/cli, built). Each line prints spans per second of wall time and the CPU seconds used: that process's
// (every thread, DuckDB's included) and, through a server, the server's. `node --cpu-prof --cpu-prof-dir=/tmp/prof
// bench/lib/export-import-step.js '<step>'` profiles one command (the steps are JSON, see that file).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CLEW_NODE_FLAGS, startServer, unpinLoad } from './lib/clew-server.js';

const run = promisify(execFile);
const TOTAL = Number(process.env.CLEW_BENCH_EXPORT_SPANS ?? 500_000);
const TARGET = 100_000;
const START = 1_764_000_000_000_000_000n;
const WINDOW = { start: START - 1n, end: START + 10n ** 15n };

const root = await mkdtemp(join(tmpdir(), 'clew-bench-export-'));
const source = join(root, 'source');
const STEP = fileURLToPath(new URL('./lib/export-import-step.js', import.meta.url));
// The spans are generated and appended in a process of their own too (not measured). Made in this process, they stayed
// here as garbage while the commands ran, and the commands measured it: the first export and the first import spent
// 1–4 s more of system CPU (export -d json 76,636 spans/s and 8.7 CPU s, import -d json 44,746 and 20.5; with the
// garbage collected first, 107,037 and 6.2, 68,805 and 13.8).
await run(process.execPath, [STEP, JSON.stringify({ op: 'fill', dir: source, spans: TOTAL, start: String(START) })]);

/**
 * Each direction runs RUNS times (CLEW_BENCH_RUNS), each into a fresh directory or Clew, and its line quotes the median
 * run with the slowest and fastest beside it: on this shared machine one run of the same build read anywhere from
 * 69,000 to 113,000 spans/s for export -d of JSON within an hour, so a single run says little of a change.
 */
const RUNS = Number(process.env.CLEW_BENCH_RUNS ?? 3);

/**
 * Runs one command in a process of its own (lib/export-import-step.js), as `clew export` and `clew import` run, and
 * gives spans/s of wall time with that process's CPU and the server's. Run one after another in this process, the
 * later directions measured the earlier ones' heap and compiled code too: import -d of protobuf read 84,426 spans/s
 * after the exports and the JSON imports, and 89,000–95,000 alone (500,000 spans, the same build).
 */
async function once(step, server) {
  const s0 = server?.cpuSeconds() ?? 0;
  // With the node flags `clew` starts with, as the command runs.
  const { stdout } = await run(process.execPath, [...CLEW_NODE_FLAGS, '--expose-gc', STEP, JSON.stringify(step)], { maxBuffer: 1 << 20 });
  const { spans, seconds, cpu } = JSON.parse(stdout);
  return { spans, rate: spans / seconds, seconds, cpu, serverCpu: server ? server.cpuSeconds() - s0 : undefined };
}

/**
 * Measures a direction RUNS times and prints its median run. `prepare(i)` gives run i its step and, through a Clew,
 * the server (`stop`ped after the run when `own`); `after(i)` clears what the run made.
 */
async function measure(name, prepare, after = async () => undefined) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const { step, server, own } = await prepare(i);
    runs.push(await once(step, server));
    if (own) await server.stop();
    await after(i);
  }
  runs.sort((a, b) => a.rate - b.rate);
  const m = runs[(runs.length - 1) >> 1];
  const fmt = (r) => Math.round(r).toLocaleString('en-US');
  const range = runs.length > 1 ? ` [${fmt(runs[0].rate)}–${fmt(runs[runs.length - 1].rate)}]` : '';
  const serverPart = m.serverCpu === undefined ? '' : `, server CPU ${m.serverCpu.toFixed(1)} s`;
  console.log(
    `${name.padEnd(34)} ${fmt(m.rate).padStart(9)} spans/s${range}  (${m.spans.toLocaleString('en-US')} spans in ${m.seconds.toFixed(1)} s; CPU ${m.cpu.toFixed(1)} s there${serverPart})  target ≥ ${TARGET.toLocaleString('en-US')}`,
  );
}

const window = { start: String(WINDOW.start), end: String(WINDOW.end) };
const exportTo = (file, from, format) => ({ op: 'export', file, from, format, ...window });
const importInto = (file, into, batchSpans) => ({ op: 'import', file, ...into, batchSpans, expect: TOTAL });
const removeDir = (dir) => () => rm(dir, { recursive: true, force: true });

const files = { json: join(root, 'spans.jsonl'), protobuf: join(root, 'spans.pb') };
console.log(`${TOTAL.toLocaleString('en-US')} spans; each line the median of ${RUNS} run(s) [slowest–fastest]`);
for (const format of ['json', 'protobuf']) await measure(`export -d, ${format}`, async () => ({ step: exportTo(files[format], { dataDir: source }, format) }));
for (const format of ['json', 'protobuf']) {
  console.log(`  ${format} file: ${Math.round((await stat(files[format])).size / TOTAL)} B/span`);
  for (const metrics of [true, false]) {
    const dir = join(root, `imported-${format}`);
    await measure(
      `import -d${metrics ? '' : ' --no-metrics'}, ${format}`,
      async () => ({ step: importInto(files[format], { dir, metrics }, 20_000) }),
      removeDir(dir),
    );
  }
}

// Through running Clews: export from one holding the spans, import into an empty one.
const exporting = await startServer(source, ['--memory-limit', '1GB']);
for (const format of ['json', 'protobuf']) {
  await measure(`export --url, ${format}`, async () => ({ step: exportTo(join(root, `url.${format}`), { url: exporting.query }, format), server: exporting }));
}
await exporting.stop();
/** An import into a new Clew of its own, pinned or (as a Clew and the command run when typed on one machine) not. */
const intoNewClew = (format, pin) => async () => {
  const server = await startServer(join(root, `served-${format}`), ['--memory-limit', '1GB'], { pin });
  return { step: importInto(files[format], { url: { query: server.query, otlp: server.otlpHttp } }, 5000), server, own: true };
};
for (const format of ['json', 'protobuf']) await measure(`import --url, ${format}`, intoNewClew(format, undefined), removeDir(join(root, `served-${format}`)));
// The same with nothing pinned: the Clew's threads (its collections' helpers, DuckDB's) and the command share both cores.
unpinLoad();
for (const format of ['json', 'protobuf']) await measure(`import --url, ${format}, unpinned`, intoNewClew(format, false), removeDir(join(root, `served-${format}`)));

await rm(root, { recursive: true, force: true });
