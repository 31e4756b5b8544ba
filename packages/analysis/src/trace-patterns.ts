import type { SpanTree } from './span-tree.js';
import { buildSpanTree } from './span-tree.js';
import type { TimedSpan } from './timed-span.js';
import { durationOf } from './timed-span.js';

/** What pattern detection needs of a span beyond its times: its kind, and what it asked for. */
export interface PatternSpan extends TimedSpan {
  /** Lowercase OTLP kind name (`client`, `server`, …); absent when unknown, and then the span counts as a call. */
  readonly kind?: string;
  /** The database statement or HTTP route the call carries (see patternSpansFromModel), when it carries one. */
  readonly detail?: string;
}

/** The operation a group of repeated calls made: the caller's span, and what it called. */
export interface RepeatedCall {
  readonly service: string;
  readonly name: string;
  readonly detail?: string;
  /** The span the call led to in another service (its first child there), when the trace holds it. */
  readonly callee?: { readonly service: string; readonly name: string };
}

/** The same call made `count` times one after another under one parent: a loop that could have been one call. */
export interface NPlusOne extends RepeatedCall {
  /** Index of the parent span. */
  readonly parent: number;
  /** The repeated spans, by start. */
  readonly spans: readonly number[];
  readonly count: number;
  /** Their durations, summed: the time the loop cost (they ran one after another). */
  readonly totalNs: number;
}

/** A call that failed and was made again: the failed attempts and the one after each. */
export interface Retry extends RepeatedCall {
  readonly parent: number;
  /** Every attempt, by start: failures, then the last one. */
  readonly spans: readonly number[];
  readonly attempts: number;
  readonly failures: number;
  /** Whether the last attempt succeeded. */
  readonly succeeded: boolean;
  /** From the first attempt's start to the last one's end. */
  readonly totalNs: number;
}

export interface TracePatterns {
  /** By totalNs, largest first. */
  readonly nPlusOne: readonly NPlusOne[];
  /** By the first attempt's start. */
  readonly retries: readonly Retry[];
}

export interface TracePatternOptions {
  /**
   * How many sequential repeats make an N+1; 5 by default. Two to four calls in a row are often a page reading a few
   * related things, and their cost is small; at five the round trips add up, and five is the threshold Sentry's N+1
   * detector starts from, so results agree with what users may already know.
   */
  readonly minRepeats?: number;
  /**
   * How far a call may overlap the one before it and still count as after it, in ns; 1 ms by default, because some
   * SDKs stamp span starts to the millisecond, so a call that began after the previous ended can read up to 1 ms early.
   * Calls that overlap by more ran concurrently (a fan-out), which is not a loop waiting on each call in turn.
   */
  readonly overlapToleranceNs?: number;
}

export const DEFAULT_N_PLUS_ONE_REPEATS = 5;
const DEFAULT_OVERLAP_TOLERANCE_NS = 1_000_000;

/**
 * Finds N+1 calls and retries in one trace. Calls are client spans (or spans of unknown kind); two are the same call
 * when their service, name, detail (statement or route) and callee (the service and operation they led to) agree.
 * Under each parent, the same calls are split into runs of calls each starting after the one before ended (within
 * the tolerance); a run of at least `minRepeats` is an N+1, and within a run each call after a failed one is a retry
 * of it. Linear apart from the tree's sorting; no recursion.
 * @example tracePatterns(patternSpansFromModel(spans)).nPlusOne[0] // { name: 'GET', callee: { service: 'catalog', name: 'GET /products/:id' }, count: 12, ... }
 */
export function tracePatterns(spans: readonly PatternSpan[], options: TracePatternOptions = {}, tree: SpanTree = buildSpanTree(spans)): TracePatterns {
  const minRepeats = options.minRepeats ?? DEFAULT_N_PLUS_ONE_REPEATS;
  const tolerance = options.overlapToleranceNs ?? DEFAULT_OVERLAP_TOLERANCE_NS;
  const nPlusOne: NPlusOne[] = [];
  const retries: Retry[] = [];

  for (let parent = 0; parent < spans.length; parent++) {
    const kids = tree.children[parent]!;
    if (kids.length < 2) continue;
    const groups = new Map<string, number[]>();
    for (const k of kids) {
      const s = spans[k]!;
      if (s.kind !== undefined && s.kind !== 'client') continue;
      const callee = calleeOf(spans, tree, k);
      const key = `${s.service}\u0000${s.name}\u0000${s.detail ?? ''}\u0000${callee ? `${callee.service}\u0000${callee.name}` : ''}`;
      const g = groups.get(key);
      if (g) g.push(k);
      else groups.set(key, [k]);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      for (const run of sequentialRuns(spans, group, tolerance)) {
        const call = repeatedCall(spans, tree, run[0]!);
        if (run.length >= minRepeats) {
          let totalNs = 0;
          for (const i of run) totalNs += durationOf(spans[i]!);
          nPlusOne.push({ ...call, parent, spans: run, count: run.length, totalNs });
        }
        retries.push(...retriesIn(spans, run).map((attempts) => retryOf(spans, call, parent, attempts)));
      }
    }
  }
  nPlusOne.sort((a, b) => b.totalNs - a.totalNs || a.spans[0]! - b.spans[0]!);
  retries.sort((a, b) => spans[a.spans[0]!]!.start - spans[b.spans[0]!]!.start || a.spans[0]! - b.spans[0]!);
  return { nPlusOne, retries };
}

/** Splits same-call siblings (by start) where one starts before the previous ended, beyond the tolerance. */
function sequentialRuns(spans: readonly TimedSpan[], group: readonly number[], tolerance: number): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  for (const i of group) {
    const prev = run[run.length - 1];
    if (prev !== undefined && spans[i]!.start < Math.max(spans[prev]!.start, spans[prev]!.end) - tolerance) {
      runs.push(run);
      run = [];
    }
    run.push(i);
  }
  runs.push(run);
  return runs;
}

/** Chains of attempts in a run: failures one after another and the call after the last of them. */
function retriesIn(spans: readonly TimedSpan[], run: readonly number[]): number[][] {
  const chains: number[][] = [];
  let chain: number[] = [];
  for (const i of run) {
    if (chain.length > 0) chain.push(i);
    else if (spans[i]!.error) chain = [i];
    if (chain.length > 1 && !spans[i]!.error) {
      chains.push(chain);
      chain = [];
    }
  }
  if (chain.length > 1) chains.push(chain); // ends in a failure: retried, and given up
  return chains;
}

function retryOf(spans: readonly TimedSpan[], call: RepeatedCall, parent: number, attempts: number[]): Retry {
  const last = spans[attempts[attempts.length - 1]!]!;
  const failures = attempts.filter((i) => spans[i]!.error).length;
  return { ...call, parent, spans: attempts, attempts: attempts.length, failures, succeeded: !last.error, totalNs: Math.max(last.start, last.end) - spans[attempts[0]!]!.start };
}

function repeatedCall(spans: readonly PatternSpan[], tree: SpanTree, i: number): RepeatedCall {
  const s = spans[i]!;
  const callee = calleeOf(spans, tree, i);
  return { service: s.service, name: s.name, ...(s.detail !== undefined && { detail: s.detail }), ...(callee && { callee }) };
}

/** The first child of span i in another service: the server span its call became. */
function calleeOf(spans: readonly TimedSpan[], tree: SpanTree, i: number): { service: string; name: string } | undefined {
  const service = spans[i]!.service;
  for (const c of tree.children[i]!) if (spans[c]!.service !== service) return { service: spans[c]!.service, name: spans[c]!.name };
  return undefined;
}
