// Realistic spans (bench/lib/generate.js, seed 42) in batches for the ClickHouse benchmarks, with what their reads
// need: every hundredth trace id (the same ones each run, spread over all the data), the frontend's server operations
// by how many spans each has, and the first and last trace start.
import { generateTraces } from './generate.js';

/**
 * Calls `append(batch)` for each batch of about `batch` spans (whole traces) until `total` spans; resolves with the
 * sample for the reads.
 * @example const { stored, sampleIds, operations, first, last } = await appendSpanBatches({ total, batch, startNs }, (b) => store.append(b))
 */
export async function appendSpanBatches({ total, batch, startNs }, append) {
  const sampleIds = [];
  const ops = new Map();
  let first;
  let last;
  const traces = generateTraces({ seed: 42, startNs });
  let stored = 0;
  let pending = [];
  for (let n = 0; stored + pending.length < total; n++) {
    const trace = traces.next().value;
    if (n % 100 === 0) sampleIds.push(trace[0].traceId);
    first ??= trace[0].startTimeUnixNano;
    last = trace[0].startTimeUnixNano;
    for (const s of trace) {
      pending.push(s);
      if (s.kind === 2 && s.resource === trace[0].resource) ops.set(s.name, (ops.get(s.name) ?? 0) + 1);
    }
    if (pending.length >= batch) {
      await append(pending);
      stored += pending.length;
      pending = [];
    }
  }
  if (pending.length) await append(pending);
  stored += pending.length;
  const operations = [...ops.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  return { stored, sampleIds, operations, first, last };
}
