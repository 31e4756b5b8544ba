import type { Span, TraceId } from '@clew/model';
import { makeTraceId } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import type { Policy } from './policies.js';
import { errorPolicy, latencyPolicy, ratePolicy } from './policies.js';
import type { SamplerOutput, TailSamplerOptions } from './tail-sampler.js';
import { TailSampler } from './tail-sampler.js';

/** A clock the test moves by hand, in milliseconds. */
function fakeClock() {
  const clock = { t: 0, now: () => clock.t };
  return clock;
}

/**
 * Traces by letter, each drawn once; `spans('A', 0, 2)` takes spans 0 and 1 of A, to hand the sampler a part of a
 * trace as a log record would.
 */
function traces(pictures: Record<string, string>) {
  const byLetter = new Map<string, Span[]>();
  const letterOf = new Map<TraceId, string>();
  for (const [letter, picture] of Object.entries(pictures)) {
    const spans = drawTrace(picture, { traceId: makeTraceId() });
    byLetter.set(letter, spans);
    letterOf.set(spans[0]!.traceId, letter);
  }
  return {
    spans: (letter: string, from = 0, to?: number) => byLetter.get(letter)!.slice(from, to),
    /** An output as short strings: "A 2 spans kept by error", "late A 1 span kept by error", "dropped 1/1 error:no_error". */
    read(out: SamplerOutput): string[] {
      return [
        ...out.kept.map((k) => `${k.late ? 'late ' : ''}${letterOf.get(k.traceId)} ${k.spans.length} kept by ${k.policy} from ${k.firstPosition}`),
        ...out.dropped.map((d) => `dropped ${d.traces} traces ${d.spans} spans ${d.policy}:${d.reason}`),
      ];
    },
  };
}

function sampler(clock: { now: () => number }, over: Partial<TailSamplerOptions> = {}): TailSampler {
  return new TailSampler({ policies: [errorPolicy()], decisionWaitMs: 10_000, maxTraceWaitMs: 300_000, maxSpans: 1000, decisionCacheSize: 100, now: clock.now, ...over });
}

/** Every span added is held, kept or dropped: none goes unaccounted for. */
function expectAccounted(s: TailSampler): void {
  const st = s.stats();
  expect(st.spansIn).toBe(st.heldSpans + st.keptSpans + st.droppedSpans);
}

// The traces below: A fails in its second span, B and C do not. One column is 10 ms.
const PICTURES = {
  A: `
    A1 .  frontend  |--------|
    A2 A1 payment     |--|     !
    A3 A1 payment        |--|
  `,
  B: `
    B1 .  frontend  |--------|
    B2 B1 cart        |--|
    B3 B1 cart           |--|
  `,
  C: `
    C1 .  frontend  |----|
    C2 C1 cart        |-|
  `,
};

describe('TailSampler: the decision wait', () => {
  /*
   * arrival (s)    0    2    4    6    8    10   12   14
   * position       1         2
   * A              A1        A2                         decided at 14 (quiet since 4): kept, it failed
   * B              B1                          ▲        decided at 10 (quiet since 0): dropped
   */
  it('decides a trace once it has been quiet for the wait, each span extending it', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const s = sampler(clock);
    expect(s.add([...t.spans('A', 0, 1), ...t.spans('B', 0, 1)], 1n)).toEqual({ kept: [], dropped: [] });
    clock.t = 4_000;
    s.add(t.spans('A', 1, 2), 2n);
    expect([s.heldTraces, s.heldSpans, s.oldestUndecidedPosition()]).toEqual([2, 3, 1n]);
    expect(t.read(s.due(9_999))).toEqual([]);
    expect(t.read(s.due(10_000))).toEqual(['dropped 1 traces 1 spans error:no_error']);
    expect(s.oldestUndecidedPosition()).toBe(1n); // A holds a span of record 1
    expect(t.read(s.due(13_999))).toEqual([]);
    expect(t.read(s.due(14_000))).toEqual(['A 2 kept by error from 1']);
    expect([s.heldTraces, s.heldSpans, s.oldestUndecidedPosition()]).toEqual([0, 0, undefined]);
    expectAccounted(s);
  });

  it('reads its own clock when due is called without a time', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const s = sampler(clock);
    s.add(t.spans('B'), 1n);
    clock.t = 10_000;
    expect(t.read(s.due())).toEqual(['dropped 1 traces 3 spans error:no_error']);
  });

  /*
   * arrival (s)    0    5    10   15   20   25   30
   * B              B1   B2   B3   B1'  B2'  B3'  ▲  never quiet for 10 s, decided at maxTraceWait (30 s)
   */
  it('decides a trace that never goes quiet once its first span is maxTraceWait old', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const s = sampler(clock, { maxTraceWaitMs: 30_000 });
    for (let i = 0; i < 6; i++) {
      clock.t = i * 5_000;
      s.add(t.spans('B', i % 3, (i % 3) + 1), BigInt(i + 1));
      expect(t.read(s.due())).toEqual([]);
    }
    expect(t.read(s.due(30_000))).toEqual(['dropped 1 traces 6 spans error:no_error']);
    expect(s.stats().decidedAtMaxWaitTraces).toBe(1);
  });

  it('refuses log positions that go back (the log hands records over in order)', () => {
    const t = traces(PICTURES);
    const s = sampler(fakeClock());
    s.add(t.spans('A', 0, 1), 5n);
    s.add(t.spans('A', 1, 2), 5n); // another part of the same record
    expect(() => s.add(t.spans('B'), 4n)).toThrow('log positions must not go back: 4 after 5');
  });
});

describe('TailSampler: late spans', () => {
  /*
   * arrival (s)    0         10   12   14
   * A              A1 A2     ▲    A3        kept at 10; A3 follows at once, kept
   * B              B1        ▲         B2   dropped at 10; B2 follows at once, dropped
   */
  it('follow the decision already made, at once', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const s = sampler(clock);
    s.add([...t.spans('A', 0, 2), ...t.spans('B', 0, 1)], 1n);
    expect(t.read(s.due(10_000))).toEqual(['A 2 kept by error from 1', 'dropped 1 traces 1 spans error:no_error']);
    clock.t = 12_000;
    expect(t.read(s.add(t.spans('A', 2), 2n))).toEqual(['late A 1 kept by error from 2']);
    clock.t = 14_000;
    expect(t.read(s.add(t.spans('B', 1, 2), 3n))).toEqual(['dropped 0 traces 1 spans error:no_error']);
    expect(s.heldSpans).toBe(0);
    expect(s.oldestUndecidedPosition()).toBeUndefined();
    const st = s.stats();
    expect([st.lateKeptSpans, st.lateDroppedSpans, st.keptTraces, st.keptSpans, st.droppedTraces, st.droppedSpans]).toEqual([1, 1, 1, 3, 1, 2]);
    expectAccounted(s);
  });

  /*
   * decision cache of 1:
   * arrival (s)    0    10   11   12            22
   * A              A1A2 ▲              A3       ▲  A's decision was forgotten: A3 is held as a new trace, decided
   * B              B1   ▲    B2                    alone (no error in it: dropped); B's decision is remembered
   */
  it('whose decision was forgotten start a new held trace, decided on its own', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const s = sampler(clock, { decisionCacheSize: 1 });
    s.add([...t.spans('A', 0, 2), ...t.spans('B', 0, 1)], 1n);
    expect(t.read(s.due(10_000))).toEqual(['A 2 kept by error from 1', 'dropped 1 traces 1 spans error:no_error']); // A's decision is forgotten for B's
    expect(s.stats().decisionCacheEvictions).toBe(1);
    clock.t = 11_000;
    expect(t.read(s.add(t.spans('B', 1, 2), 2n))).toEqual(['dropped 0 traces 1 spans error:no_error']); // B's is remembered
    clock.t = 12_000;
    expect(t.read(s.add(t.spans('A', 2), 3n))).toEqual([]);
    expect([s.heldTraces, s.oldestUndecidedPosition()]).toEqual([1, 3n]);
    expect(t.read(s.due(22_000))).toEqual(['dropped 1 traces 1 spans error:no_error']);
    expectAccounted(s);
  });

  it('keep a remembered decision fresh: the decision used last is forgotten last', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const s = sampler(clock, { decisionCacheSize: 2 });
    s.add([...t.spans('A', 0, 2), ...t.spans('B', 0, 1)], 1n);
    s.due(10_000); // remembers A, then B
    expect(t.read(s.add(t.spans('A', 2), 2n))).toEqual(['late A 1 kept by error from 2']); // A is now the most recent
    s.add(t.spans('C'), 3n);
    s.due(20_000); // C's decision pushes out B's, not A's
    expect(t.read(s.add(t.spans('A', 2), 4n))).toEqual(['late A 1 kept by error from 4']);
    expect(t.read(s.add(t.spans('B', 1, 2), 4n))).toEqual([]); // held anew
  });
});

describe('TailSampler: the memory bound', () => {
  /*
   * maxSpans 4          held after
   * pos 1  A1 A2        2
   * pos 2  B1 B2        4
   * pos 3  C1           5 > 4: A (first to arrive) decided now: kept       → 3
   * pos 4  B3 C2        5 > 4: B decided now (before C, it arrived first) → 2
   */
  it('decides the traces that arrived first, early, counted, never dropping a span silently', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const s = sampler(clock, { maxSpans: 4 });
    expect(t.read(s.add(t.spans('A', 0, 2), 1n))).toEqual([]);
    clock.t = 1_000;
    expect(t.read(s.add(t.spans('B', 0, 2), 2n))).toEqual([]);
    expect(s.heldSpans).toBe(4);
    clock.t = 2_000;
    expect(t.read(s.add(t.spans('C', 0, 1), 3n))).toEqual(['A 2 kept by error from 1']);
    expect([s.heldSpans, s.oldestUndecidedPosition()]).toEqual([3, 2n]);
    expectAccounted(s);
    clock.t = 3_000;
    expect(t.read(s.add([...t.spans('B', 2), ...t.spans('C', 1)], 4n))).toEqual(['dropped 1 traces 3 spans error:no_error']);
    expect([s.heldSpans, s.oldestUndecidedPosition()]).toEqual([2, 3n]);
    expect(s.stats()).toMatchObject({ decidedEarlyTraces: 2, decidedEarlySpans: 5, heldTraces: 1 });
    expectAccounted(s);
    // A late span of A follows its early decision.
    expect(t.read(s.add(t.spans('A', 2), 5n))).toEqual(['late A 1 kept by error from 5']);
    expect(t.read(s.due(13_000))).toEqual(['dropped 1 traces 2 spans error:no_error']);
    expectAccounted(s);
  });

  it('decides a trace larger than the bound as soon as it arrives', () => {
    const t = traces(PICTURES);
    const s = sampler(fakeClock(), { maxSpans: 2 });
    expect(t.read(s.add(t.spans('A'), 1n))).toEqual(['A 3 kept by error from 1']);
    expect([s.heldSpans, s.stats().decidedEarlyTraces]).toEqual([0, 1]);
  });
});

describe('TailSampler: policies and their counts', () => {
  // One column is 100 ms here: D takes 700 ms, E and F 200 ms.
  const PER_POLICY = {
    A: PICTURES.A,
    D: `
      D1 .  frontend  |------|
    `,
    E: `
      E1 .  frontend  |-|
    `,
    F: `
      F1 .  frontend  |-|
      F2 F1 cart       ||
    `,
  };

  it('asks the policies in order; the first that keeps a trace keeps it, else the last refusal drops it', () => {
    const clock = fakeClock();
    const drawn = new Map(Object.entries(PER_POLICY).map(([k, p]) => [k, drawTrace(p, { unitMs: 100 })]));
    const policies: Policy[] = [errorPolicy('errors'), latencyPolicy({ name: 'slow', thresholdNanos: 500_000_000n }), ratePolicy({ name: 'baseline', tracesPerSecond: 1, burst: 1, maxServices: 10 })];
    const s = sampler(clock, { policies });
    s.add([...drawn.get('A')!, ...drawn.get('D')!, ...drawn.get('E')!, ...drawn.get('F')!], 1n);
    const out = s.due(10_000);
    expect(out.kept.map((k) => [k.spans[0]!.name, k.policy])).toEqual([
      ['A1', 'errors'],
      ['D1', 'slow'],
      ['E1', 'baseline'],
    ]);
    expect(out.dropped).toEqual([{ policy: 'baseline', reason: 'rate_limited', traces: 1, spans: 2 }]);
    const st = s.stats();
    expect(st.policies).toEqual([
      { policy: 'errors', tracesIn: 4, spansIn: 7, keptTraces: 1, keptSpans: 3, droppedTraces: 3, droppedSpans: 4, droppedBy: { no_error: 4 } },
      { policy: 'slow', tracesIn: 3, spansIn: 4, keptTraces: 1, keptSpans: 1, droppedTraces: 2, droppedSpans: 3, droppedBy: { fast: 3 } },
      { policy: 'baseline', tracesIn: 2, spansIn: 3, keptTraces: 1, keptSpans: 1, droppedTraces: 1, droppedSpans: 2, droppedBy: { rate_limited: 2 } },
    ]);
    expect(st.keptBy).toEqual({ errors: 3, slow: 1, baseline: 1 });
    expect(st.droppedBy).toEqual({ 'baseline:rate_limited': 2 });
    expectAccounted(s);
  });

  it('counts a policy that throws as refusing, says so, and goes on to the next', () => {
    const clock = fakeClock();
    const t = traces(PICTURES);
    const failures: string[] = [];
    const broken: Policy = {
      name: 'broken',
      decide: () => {
        throw new Error('a bug');
      },
      observe: () => {
        throw new Error('another');
      },
    };
    const s = sampler(clock, { policies: [broken, errorPolicy()], onPolicyError: (err, policy) => failures.push(`${policy}: ${(err as Error).message}`) });
    s.add(t.spans('A'), 1n);
    expect(t.read(s.due(10_000))).toEqual(['A 3 kept by error from 1']);
    expect(failures).toEqual(['broken: a bug', 'broken: another']);
    expect(s.stats().policyErrors).toBe(2);
    expect(s.stats().policies[0]!.droppedBy).toEqual({ failed: 3 });
  });

  it('needs a policy', () => {
    expect(() => sampler(fakeClock(), { policies: [] })).toThrow('at least one policy');
  });
});
