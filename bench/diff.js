// Trace diff benchmark: how fast the compare page draws two 5,000-span traces. Run after `npm run build`:
//   node bench/diff.js          (CLEW_BENCH_DIFF_SPANS=N for another size)
// Starts a real `clew serve`, sends two traces over OTLP/HTTP protobuf (the same request mix, different seeds, so
// their trees align in part), opens /compare/A...B in headless Chromium and prints the time from navigation start
// until the aligned tree is drawn, next to the limit.
/* global document -- the functions given to page.evaluate and waitForFunction run in the page */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOtlpProto } from '@clew/codecs';
import { launchChromium } from '../packages/web/scripts/chromium.js';
import { startServer } from './lib/clew-server.js';
import { generateSpans } from './lib/generate.js';

const SPANS = Number(process.env.CLEW_BENCH_DIFF_SPANS ?? 5_000);
const LIMIT_MS = 1000;
const ROUNDS = 3;

/** `count` spans of realistic request subtrees under one root, as bench/ui.js builds its big trace. */
function bigTrace(count, seed, traceId) {
  const startNs = BigInt(Date.now() - 120_000) * 1_000_000n;
  const spans = generateSpans(count - 1, { seed, startNs, traceIntervalNs: 2_000_000n });
  const rootId = `f00dfeedc0ffee0${seed % 10}`;
  let end = 0n;
  for (const s of spans) {
    s.traceId = traceId;
    if (s.parentSpanId === null) s.parentSpanId = rootId;
    if (s.endTimeUnixNano > end) end = s.endTimeUnixNano;
  }
  const root = { ...spans[0], spanId: rootId, parentSpanId: null, name: 'batch import', kind: 1, startTimeUnixNano: spans[0].startTimeUnixNano - 1_000_000n, endTimeUnixNano: end + 1_000_000n, events: [], links: [], attributes: [] };
  return [root, ...spans];
}

async function waitStored(query, traceId, count) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const res = await fetch(`${query}/api/clew/v1/traces/${traceId}/outline`);
    if (res.ok && (await res.json()).parent.length === count) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`trace ${traceId} did not reach ${count} spans in the store`);
}

const dir = await mkdtemp(join(tmpdir(), 'clew-bench-diff-'));
const browser = await launchChromium();
const server = await startServer(dir);
try {
  const a = 'd1ff' + '1'.repeat(28);
  const b = 'd1ff' + '2'.repeat(28);
  for (const [id, seed] of [[a, 11], [b, 12]]) {
    const spans = bigTrace(SPANS, seed, id);
    const res = await fetch(server.otlpHttp, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeOtlpProto(spans) });
    if (!res.ok) throw new Error(`OTLP POST answered ${res.status}`);
    await waitStored(server.query, id, spans.length);
  }
  const url = `${server.query}/compare/${a}...${b}`;
  console.log(`diff: two ${SPANS.toLocaleString('en-US')}-span traces, compared at ${url} in headless Chromium`);
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=compare-tree] tbody tr').length > 0 && performance.getEntriesByName('clew:compare-rendered').length > 0, null, { timeout: 60_000 });
    const r = await page.evaluate(() => {
      const req = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/clew/v1/compare'));
      return {
        rendered: performance.getEntriesByName('clew:compare-rendered')[0].startTime,
        requestStart: req?.requestStart ?? NaN,
        responseEnd: req?.responseEnd ?? NaN,
        rows: document.querySelectorAll('[data-testid=compare-tree] tbody tr[data-node]').length,
        nodes: Number(document.querySelector('[data-testid=compare-tree]')?.getAttribute('data-nodes') ?? NaN),
      };
    });
    runs.push(r);
    await page.close();
  }
  const first = runs[0];
  const line = (r) => `${r.rendered.toFixed(0)} ms (server answering ${(r.responseEnd - r.requestStart).toFixed(0)} ms, ${r.nodes} aligned rows, ${r.rows} of them drawn near the viewport)`;
  console.log(`  compare page drawn, first open: ${line(first)}   limit ≤ ${LIMIT_MS} ms ${first.rendered <= LIMIT_MS ? 'ok' : 'MISSED'}`);
  const again = runs.slice(1).sort((x, y) => x.rendered - y.rendered);
  console.log(`  opened again: median ${line(again[Math.floor(again.length / 2)])}`);
} finally {
  await browser.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
