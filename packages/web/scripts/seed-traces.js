// Sends realistic traces (bench/lib/generate.js shapes) to a running Clew over OTLP/HTTP, spread over the recent
// past so the UI's default "last 1h" window shows them. For screenshots and trying the UI by hand:
//   node packages/web/scripts/seed-traces.js http://127.0.0.1:4318/v1/traces [traces]
import { encodeOtlpProto } from '@clew/codecs';
import { generateTraces } from '../../../bench/lib/generate.js';

const BATCH_SPANS = 5_000;

/** Posts `traces` traces whose starts spread evenly over the last `spreadMs` milliseconds. */
export async function seedRealisticTraces(otlpHttp, { traces = 300, spreadMs = 50 * 60_000, seed = 7 } = {}) {
  const intervalNs = BigInt(Math.round((spreadMs / traces) * 1e6));
  const startNs = BigInt(Date.now() - spreadMs) * 1_000_000n;
  let batch = [];
  let sent = 0;
  for (const trace of generateTraces({ seed, traces, startNs, traceIntervalNs: intervalNs })) {
    batch.push(...trace);
    if (batch.length >= BATCH_SPANS) sent += await post(otlpHttp, batch.splice(0));
  }
  if (batch.length) sent += await post(otlpHttp, batch);
  return sent;
}

async function post(url, spans) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeOtlpProto(spans) });
  if (!res.ok) throw new Error(`OTLP POST answered ${res.status}: ${await res.text()}`);
  return spans.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? 'http://127.0.0.1:4318/v1/traces';
  const n = await seedRealisticTraces(url, { traces: Number(process.argv[3] ?? 300) });
  console.log(`sent ${n} spans to ${url}`);
}
