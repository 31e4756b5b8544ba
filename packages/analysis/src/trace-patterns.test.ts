import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import type { PatternSpan, TracePatternOptions } from './trace-patterns.js';
import { tracePatterns } from './trace-patterns.js';

/** A drawn trace whose span names are their ids without the trailing digits, so `G1` … `G5` are one call. */
const draw = (picture: string): PatternSpan[] => drawTrace(picture).map((s) => ({ ...s, name: s.spanId.replace(/\d+$/, '') }));
/** Exact times in the drawings: no overlap tolerance unless a case asks for one. */
const exact: TracePatternOptions = { overlapToleranceNs: 0 };
const ids = (spans: readonly PatternSpan[], list: readonly number[]) => list.map((i) => spans[i]!.spanId).join(' ');

describe('tracePatterns: N+1', () => {
  it('flags the same call made five times one after another under one parent', () => {
    // The cart prices each item with its own catalog call; every call becomes a catalog server span.
    const spans = draw(`
      P  .  cart    |--------------------------|
      G1 P  cart     |--|
      S1 G1 catalog   ||
      G2 P  cart         |--|
      S2 G2 catalog       ||
      G3 P  cart             |--|
      S3 G3 catalog           ||
      G4 P  cart                 |--|
      S4 G4 catalog               ||
      G5 P  cart                     |--|
      S5 G5 catalog                   ||
    `);
    const { nPlusOne, retries } = tracePatterns(spans, exact);
    expect(nPlusOne).toHaveLength(1);
    const [n] = nPlusOne;
    expect(ids(spans, [n!.parent])).toBe('P');
    expect(ids(spans, n!.spans)).toBe('G1 G2 G3 G4 G5');
    expect(n).toMatchObject({ service: 'cart', name: 'G', count: 5, totalNs: 15, callee: { service: 'catalog', name: 'S' } });
    expect(retries).toEqual([]);
    // Calls that led to different operations are different calls, though the callers' spans look alike.
    const elsewhere = spans.map((s) => (s.spanId === 'S3' ? { ...s, name: 'GET /stock/:id' } : s));
    expect(tracePatterns(elsewhere, exact).nPlusOne).toEqual([]);
  });

  it('does not flag four repeats, or five that ran at once (a fan-out), or five under different parents', () => {
    const four = draw(`
      P  .  |------------------|
      G1 P   |--|
      G2 P       |--|
      G3 P           |--|
      G4 P               |--|
    `);
    expect(tracePatterns(four, exact).nPlusOne).toEqual([]);
    expect(tracePatterns(four, { ...exact, minRepeats: 4 }).nPlusOne).toHaveLength(1);
    const parallel = draw(`
      P  .  |------|
      G1 P   |----|
      G2 P   |----|
      G3 P    |---|
      G4 P    |--|
      G5 P    |-|
    `);
    expect(tracePatterns(parallel, exact).nPlusOne).toEqual([]);
    const apart = draw(`
      A  .  |----------------------|
      P1 A  |---------|
      G1 P1  |--|
      G2 P1      |--|
      P2 A             |---------|
      G3 P2             |--|
      G4 P2                 |--|
      G5 P2                    |-|
    `);
    expect(tracePatterns(apart, exact).nPlusOne).toEqual([]);
  });

  it('counts calls with other calls between them, and tells calls apart by statement and by kind', () => {
    // Each turn of the loop reads a product (G) then its stock (Q): both are repeated five times.
    const spans = draw(`
      P  .  |------------------------------|
      G1 P   |-|
      Q1 P     |-|
      G2 P         |-|
      Q2 P           |-|
      G3 P               |-|
      Q3 P                 |-|
      G4 P                     |-|
      Q4 P                       |-|
      G5 P                         |-|
      Q5 P                           |-|
    `);
    expect(tracePatterns(spans, exact).nPlusOne.map((n) => `${n.name} ${n.count}`).sort()).toEqual(['G 5', 'Q 5']);
    // A different statement on one Q breaks its five into four; a server span among the Gs is no call.
    const varied = spans.map((s) => (s.spanId === 'Q3' ? { ...s, detail: 'SELECT stock' } : s.spanId === 'G3' ? { ...s, kind: 'server' } : s));
    expect(tracePatterns(varied, exact).nPlusOne).toEqual([]);
  });

  it('takes calls that overlap the previous by less than the tolerance as sequential (starts stamped to the millisecond)', () => {
    const spans = draw(`
      P  .  |--------------|
      G1 P   |--|
      G2 P     |--|
      G3 P       |--|
      G4 P         |--|
      G5 P           |--|
    `);
    expect(tracePatterns(spans, exact).nPlusOne).toEqual([]);
    expect(tracePatterns(spans, { overlapToleranceNs: 1 }).nPlusOne[0]!.count).toBe(5);
  });
});

describe('tracePatterns: retries', () => {
  it('flags a call made again after it failed, with its failures and whether the last attempt succeeded', () => {
    // Checkout charges a payment: two 503s, then success; later a refund that fails three times and gives up.
    const spans = draw(`
      C  .  checkout |-------------------------------------|
      Y1 C  checkout  |--| !
      Y2 C  checkout       |--| !
      Y3 C  checkout             |--|
      R1 C  checkout                  |-| !
      R2 C  checkout                     |-| !
      R3 C  checkout                        |-| !
    `);
    const { retries, nPlusOne } = tracePatterns(spans, exact);
    expect(nPlusOne).toEqual([]);
    expect(retries.map((r) => `${r.name}: ${ids(spans, r.spans)} ${r.attempts}/${r.failures} ${r.succeeded} ${r.totalNs}`)).toEqual([
      'Y: Y1 Y2 Y3 3/2 true 14',
      'R: R1 R2 R3 3/3 false 8',
    ]);
    expect(ids(spans, [retries[0]!.parent])).toBe('C');
  });

  it('does not call a repeat after a success a retry, nor a lone failure, nor a different call after a failure', () => {
    const spans = draw(`
      C  .  |-------------------------|
      Y1 C   |--|
      Y2 C        |--|
      X1 C            |--| !
      Z1 C                 |--|
      W1 C                     |-| !
    `);
    expect(tracePatterns(spans, exact).retries).toEqual([]);
  });

  it('does not take concurrent calls, one of them failed, for a retry', () => {
    const spans = draw(`
      C  .  |----------|
      Y1 C   |-----| !
      Y2 C     |-----|
    `);
    expect(tracePatterns(spans, exact).retries).toEqual([]);
  });
});

describe('tracePatterns: size', () => {
  it('finds a 50,000-call loop and passes over a 50,000-deep chain quickly, without recursion', () => {
    const loop: PatternSpan[] = Array.from({ length: 50_001 }, (_, i) =>
      i === 0
        ? { spanId: 'root', parentSpanId: null, start: 0, end: 200_000, service: 's', name: 'root', error: false }
        : { spanId: `c${i}`, parentSpanId: 'root', start: 2 * i, end: 2 * i + 1, service: 's', name: 'GET', error: i % 2 === 1, kind: 'client' },
    );
    const found = tracePatterns(loop, exact);
    expect(found.nPlusOne[0]!.count).toBe(50_000);
    expect(found.retries).toHaveLength(25_000);
    const chain: PatternSpan[] = Array.from({ length: 50_000 }, (_, i) => ({ spanId: `s${i}`, parentSpanId: i === 0 ? null : `s${i - 1}`, start: i, end: 100_000 - i, service: 's', name: 'n', error: false }));
    expect(tracePatterns(chain, exact)).toEqual({ nPlusOne: [], retries: [] });
  });
});
