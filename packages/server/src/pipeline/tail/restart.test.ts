import type { Span, TraceId, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { DRAWN_T0, drawTrace } from './draw-trace.js';
import type { Policy } from './policies.js';
import { errorPolicy, latencyPolicy, ratePolicy, slowestPolicy } from './policies.js';
import type { SamplerOutput } from './tail-sampler.js';
import { seededRandom } from './seeded-random.js';
import { TailSampler } from './tail-sampler.js';

interface LogRecord {
  readonly position: bigint;
  readonly spans: readonly Span[];
}

function newSampler(clock: { t: number }, policies: Policy[]): TailSampler {
  return new TailSampler({ policies, decisionWaitMs: 10_000, maxTraceWaitMs: 300_000, maxSpans: 1000, decisionCacheSize: 100, now: () => clock.t });
}

/** Hands the sampler each record at its arrival time (deciding what is due first), and returns what came out. */
function feed(sampler: TailSampler, clock: { t: number }, log: readonly LogRecord[], arrivals: readonly number[]): SamplerOutput[] {
  return log.flatMap((r, i) => {
    clock.t = arrivals[i]!;
    return [sampler.due(), sampler.add(r.spans, r.position)];
  });
}

/** Decisions by trace, "kept by <policy>" or "dropped by <policy>:<reason>", in the order made. */
function decisionsOf(outputs: SamplerOutput[], names: Map<TraceId, string>, into = new Map<string, string>()): Map<string, string> {
  for (const out of outputs) {
    for (const k of out.kept) if (!k.late) into.set(names.get(k.traceId)!, `kept by ${k.policy}`);
  }
  return into;
}

describe('a decision wait crossing a restart', () => {
  // One column is 100 ms: A fails, C takes 800 ms, B is ordinary.
  const A = drawTrace(
    `
    A1 .  frontend  |--|
    A2 A1 payment    |-|  !
    `,
    { unitMs: 100 },
  );
  const B = drawTrace(
    `
    B1 .  frontend  |---|
    B2 B1 cart       |-|
    B3 B1 cart        |-|
    `,
    { unitMs: 100 },
  );
  const C = drawTrace(
    `
    C1 .  frontend  |--------|
    `,
    { unitMs: 100 },
  );
  const names = new Map<TraceId, string>([
    [A[0]!.traceId, 'A'],
    [B[0]!.traceId, 'B'],
    [C[0]!.traceId, 'C'],
  ]);
  const policies = () => [errorPolicy(), latencyPolicy({ name: 'slow', thresholdNanos: 500_000_000n })];

  /*
   * log position   1           2        3                                      4
   * arrival (s)    0           3        6      crash at 11   restart at 100    102
   * A (fails)      A1 A2                    ▲ kept at 10, stored
   * B              B1          B2                                              B3 (its client retried it)
   * C (800 ms)                          C1
   *
   * At the crash B and C are undecided, and B holds a span of record 1: the log keeps records 1–3, and the new
   * sampler is fed them again at 100 s. Their wait starts again there, so B3, sent during the downtime, still joins B.
   */
  it('replays the records from the oldest undecided position into a new sampler, which decides as the old one would have', () => {
    const log: LogRecord[] = [
      { position: 1n, spans: [B[0]!, ...A] },
      { position: 2n, spans: [B[1]!] },
      { position: 3n, spans: C },
    ];
    const arrivals = [0, 3_000, 6_000];

    // The first run, up to the crash.
    const clock = { t: 0 };
    const before = newSampler(clock, policies());
    const outputs = feed(before, clock, log, arrivals);
    clock.t = 11_000;
    outputs.push(before.due());
    const stored = decisionsOf(outputs, names);
    expect(stored).toEqual(new Map([['A', 'kept by error']]));
    const keepFrom = before.oldestUndecidedPosition();
    expect(keepFrom).toBe(1n); // B1 is in record 1: nothing may be released

    // The restart: a new sampler, fed what the log kept.
    clock.t = 100_000;
    const after = newSampler(clock, policies());
    const replay = log.filter((r) => r.position >= keepFrom!);
    const replayedThrough = replay.at(-1)!.position;
    const afterOutputs = replay.map((r) => after.add(r.spans, r.position));
    clock.t = 102_000;
    afterOutputs.push(after.add([B[2]!], 4n));
    clock.t = 110_000;
    const at110 = after.due();
    clock.t = 112_000;
    const at112 = after.due();
    afterOutputs.push(at110, at112);
    expect(at110.kept.map((k) => names.get(k.traceId))).toEqual(['A', 'C']);
    expect(at112.dropped).toEqual([{ policy: 'slow', reason: 'fast', traces: 1, spans: 3 }]); // B with B3

    // A was stored before the crash and comes out again: its spans are from records the store may hold already
    // (at or below the last replayed position), which is what the wiring checks before storing (README).
    const again = at110.kept.find((k) => names.get(k.traceId) === 'A')!;
    expect(again.firstPosition <= replayedThrough).toBe(true);

    // An uninterrupted run decides B and C the same way.
    const steady = { t: 0 };
    const through = newSampler(steady, policies());
    const steadyOutputs = feed(through, steady, log, arrivals);
    for (const t of [13_000, 16_000]) steadyOutputs.push(through.due(t));
    steady.t = 102_000;
    steadyOutputs.push(through.add([B[2]!], 4n));
    expect(through.due(200_000)).toEqual({ kept: [], dropped: [] });
    expect(through.stats().droppedBy).toEqual({ 'slow:fast': 3 }); // B, with B3 following its decision
    expect(decisionsOf(afterOutputs, names)).toEqual(decisionsOf(steadyOutputs, names));
  });

  /*
   * The learned state (the rate limiter's tokens, the slowest operations' sketches) is the only state, and it is a
   * function of the calls: two samplers fed the same records on the same clock decide alike, trace for trace.
   */
  it('is deterministic: the same records on the same clock give the same decisions, learned state included', () => {
    const records: LogRecord[] = [];
    const random = seededRandom(12345);
    for (let i = 0; i < 600; i++) {
      const trace = makeTrace(DRAWN_T0 as UnixNanos, {
        service: 'frontend',
        name: i % 3 === 0 ? 'GET /' : 'POST /checkout',
        at: 0,
        ms: 20 + 200 * random() ** 3,
        children: [{ service: 'payment', name: 'charge', at: 1, ms: 5 + 50 * random(), error: random() < 0.02 }],
      });
      records.push({ position: BigInt(i + 1), spans: trace.slice(0, 1) }, { position: BigInt(i + 1), spans: trace.slice(1) });
    }
    const run = () => {
      const clock = { t: 0 };
      const s = newSampler(clock, [errorPolicy(), slowestPolicy({ percent: 10, minSamples: 20, windowMs: 60_000, maxOperations: 100 }), ratePolicy({ tracesPerSecond: 2, burst: 2, maxServices: 10 })]);
      const out: string[] = [];
      records.forEach((r, i) => {
        clock.t = i * 50;
        for (const o of [s.add(r.spans, r.position), s.due()]) {
          for (const k of o.kept) out.push(`${clock.t} ${k.traceId} ${k.policy}`);
          for (const d of o.dropped) out.push(`${clock.t} ${d.policy}:${d.reason} ${d.traces}`);
        }
      });
      return { out, stats: s.stats() };
    };
    const first = run();
    const second = run();
    expect(second.out).toEqual(first.out);
    expect(second.stats).toEqual(first.stats);
    // Every policy had its say, so the comparison covers the learned state.
    expect(Object.keys(first.stats.keptBy).sort()).toEqual(['error', 'rate', 'slowest']);
    expect(first.stats.droppedBy['rate:rate_limited']).toBeGreaterThan(0);
  });
});
