// Runs every benchmark in turn and prints what each measured. `npm run bench` builds first.
//   CLEW_BENCH_SPANS (storage, default 5,000,000) and CLEW_BENCH_INGEST_SPANS (ingest, default 1,000,000) shorten a run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['decode.js', 'encode.js', 'storage.js', 'ingest.js', 'zipkin.js', 'ui.js', 'sdk-overhead.js', 'traceql.js', 'search.js'];
let failed = 0;
for (const name of benches) {
  console.log(`\n== bench/${name}`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(name, import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
