import type { Span } from '@clew/model';
import { serviceName, SpanKind, spanDuration, StatusCode } from '@clew/model';
import type { TraceQLQuery } from '../../query/traceql/index.js';
import { evaluateTrace, prepareQuery } from '../../query/traceql/evaluate.js';
import { TraceIndex } from '../../query/traceql/trace-index.js';
import type { SpanRule } from '../processors/filter.js';
import { compileRule } from '../processors/filter.js';
import { BoundedMap } from './bounded-map.js';
import { OperationLatency } from './operation-latency.js';
import { TokenBucket } from './token-bucket.js';

/** What a policy knows besides the trace: the sampler's clock when it decides. */
export interface PolicyContext {
  /** Milliseconds, from the sampler's injected clock. */
  readonly now: number;
}

/** A policy's answer for one trace. */
export interface Decision {
  readonly keep: boolean;
  /** The policy whose answer this is: a leaf's name, or a composite's own (`and` that kept, `or` that kept nothing). */
  readonly policy: string;
  /** Why, one word of a small fixed vocabulary per policy type, so that it is safe as a metric label. */
  readonly reason: string;
}

/**
 * Decides whether a whole trace (every span held for it) is kept. `decide` may spend state (the rate limiter's
 * tokens); `observe`, where a policy learns (the slowest operations), is called by the sampler for every trace it
 * decides, after the decision and whichever policy made it, so learning does not depend on where a policy sits.
 */
export interface Policy {
  readonly name: string;
  decide(trace: readonly Span[], ctx: PolicyContext): Decision;
  observe?(trace: readonly Span[], ctx: PolicyContext): void;
}

const answer = (keep: boolean, policy: string, reason: string): Decision => ({ keep, policy, reason });

/**
 * Keeps a trace with any span whose status is ERROR.
 * @example errorPolicy() // A . |----| B A |-|! → kept, 'error'
 */
export function errorPolicy(name = 'error'): Policy {
  const failed = (s: Span) => s.status.code === StatusCode.ERROR;
  return { name, decide: (trace) => (trace.some(failed) ? answer(true, name, 'error') : answer(false, name, 'no_error')) };
}

export interface LatencyOptions {
  readonly name?: string;
  /** Nanoseconds; a trace is kept when the measured duration is strictly longer. */
  readonly thresholdNanos: bigint;
  /** Measure this service's spans (any of them) instead of the whole trace. */
  readonly service?: string;
  /** Measure the spans with this name (of `service`, when given). */
  readonly operation?: string;
}

/**
 * Keeps a trace that took too long. With a service or an operation it measures each span of it, and keeps the
 * trace when any one is over the threshold: a slow checkout call deep inside a trace is what such a policy is
 * after, and the trace's root usually belongs to another service (the frontend). Without either it measures the
 * whole trace, from its earliest start to its latest end among the spans held, not the root span: the root may not
 * have arrived when the decision is made (a long trace, a lost span), and work that outlives the root (the queue
 * step after a response) belongs to the trace's time too.
 */
export function latencyPolicy(opts: LatencyOptions): Policy {
  const name = opts.name ?? 'latency';
  const { service, operation, thresholdNanos } = opts;
  const measured = (s: Span) => (operation === undefined || s.name === operation) && (service === undefined || serviceName(s.resource) === service);
  const slow =
    service === undefined && operation === undefined
      ? (trace: readonly Span[]) => traceExtent(trace) > thresholdNanos
      : (trace: readonly Span[]) => trace.some((s) => measured(s) && spanDuration(s) > thresholdNanos);
  return { name, decide: (trace) => (slow(trace) ? answer(true, name, 'slow') : answer(false, name, 'fast')) };
}

/** From the earliest start to the latest end among `trace`'s spans, in nanoseconds (0 for no spans). */
export function traceExtent(trace: readonly Span[]): bigint {
  if (trace.length === 0) return 0n;
  let start = trace[0]!.startTimeUnixNano as bigint;
  let end = trace[0]!.endTimeUnixNano as bigint;
  for (const s of trace) {
    if (s.startTimeUnixNano < start) start = s.startTimeUnixNano;
    if (s.endTimeUnixNano > end) end = s.endTimeUnixNano;
  }
  return end > start ? end - start : 0n;
}

export interface SlowestOptions {
  readonly name?: string;
  /** The share of each operation's traces to keep, in percent (0–100, exclusive): 1 keeps its slowest 1%. */
  readonly percent: number;
  /** An operation decides nothing until it has seen this many spans in its window (it keeps nothing meanwhile). */
  readonly minSamples: number;
  /** How long a window of learning is; the estimate covers the current window and the previous one. */
  readonly windowMs: number;
  /** Operations remembered at once; past it the least recently seen is forgotten (and learned again from zero). */
  readonly maxOperations: number;
  /** The DDSketch's relative accuracy: a learned threshold is within this fraction of the true quantile. */
  readonly relativeAccuracy?: number;
}

/** The slowest policy: it learns, and tells how many operations it holds. */
export interface SlowestPolicy extends Policy {
  observe(trace: readonly Span[], ctx: PolicyContext): void;
  readonly operations: number;
}

/** Spans that stand for an operation's latency: roots, and the entry points of services (server and consumer spans). */
const isEntry = (s: Span) => s.parentSpanId === null || s.kind === SpanKind.SERVER || s.kind === SpanKind.CONSUMER;
const operationKey = (s: Span) => `${serviceName(s.resource)}\u0000${s.name}`;

/**
 * Keeps a trace whose latency is among the slowest `percent` of its operation, learned online: for each (service,
 * span name) of the root, server and consumer spans, a windowed DDSketch of durations (see OperationLatency). A trace
 * is kept when any such span is slower than its operation's (100 − percent)th percentile as learned from the traces
 * decided before it (in a higher sketch bucket: so a little under `percent` is kept, by the share of one 2%-wide
 * bucket, and an operation that always takes the same time keeps none). It learns from every trace the sampler
 * decides, kept or not, whichever policy decided it; an operation with fewer than `minSamples` spans in its windows
 * answers `learning` and keeps nothing.
 */
export function slowestPolicy(opts: SlowestOptions): SlowestPolicy {
  const name = opts.name ?? 'slowest';
  const q = 1 - opts.percent / 100;
  const accuracy = opts.relativeAccuracy ?? 0.01;
  const learned = new BoundedMap<string, OperationLatency>(opts.maxOperations);
  return {
    name,
    get operations() {
      return learned.size;
    },
    decide(trace, { now }) {
      let learning = false;
      for (const s of trace) {
        if (!isEntry(s)) continue;
        const op = learned.get(operationKey(s));
        if (op === undefined || op.count(now) < opts.minSamples) learning = true;
        else if (op.exceeds(Number(spanDuration(s)), q, now)) return answer(true, name, 'slowest');
      }
      return answer(false, name, learning ? 'learning' : 'not_slowest');
    },
    observe(trace, { now }) {
      for (const s of trace) {
        if (!isEntry(s)) continue;
        const key = operationKey(s);
        let op = learned.get(key);
        if (op === undefined) learned.set(key, (op = new OperationLatency(opts.windowMs, accuracy, now)));
        op.add(Number(spanDuration(s)), now);
      }
    },
  };
}

export interface AttributeOptions {
  readonly name?: string;
  /** Span or resource attributes, every one required on one span: values compared whole as text (numbers as they print). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Each value is an anchored regular expression instead. */
  readonly regex?: boolean;
}

/**
 * Keeps a trace with a span that carries the attributes, matched as the filter processor matches its rules (the
 * same code), so a key given in either place means the same thing.
 * @example attributePolicy({ attributes: { 'http.response.status_code': '5\\d\\d' }, regex: true })
 */
export function attributePolicy(opts: AttributeOptions): Policy {
  const name = opts.name ?? 'attribute';
  const rule: SpanRule = { attributes: opts.attributes, ...(opts.regex !== undefined && { regex: opts.regex }) };
  const matches = compileRule(rule);
  return { name, decide: (trace) => (trace.some(matches) ? answer(true, name, 'matched') : answer(false, name, 'no_match')) };
}

/**
 * Keeps a trace that a TraceQL query matches (it yields at least one spanset), evaluated by the query engine the
 * Tempo API uses, on the spans held. The query is prepared once; no matched span is materialised.
 * @example traceqlPolicy({ query: parsed('{ resource.service.name = "payment" && span.http.response.status_code >= 500 }') })
 */
export function traceqlPolicy(opts: { readonly name?: string; readonly query: TraceQLQuery }): Policy {
  const name = opts.name ?? 'traceql';
  const prepared = prepareQuery(opts.query);
  return {
    name,
    decide: (trace) => (trace.length > 0 && evaluateTrace(prepared, new TraceIndex(trace), 0).length > 0 ? answer(true, name, 'matched') : answer(false, name, 'no_match')),
  };
}

/** Keeps every trace with a span of one of the services. */
export function servicesPolicy(opts: { readonly name?: string; readonly services: readonly string[] }): Policy {
  const name = opts.name ?? 'services';
  const listed = new Set(opts.services);
  return { name, decide: (trace) => (trace.some((s) => listed.has(serviceName(s.resource))) ? answer(true, name, 'matched') : answer(false, name, 'no_match')) };
}

export interface RateOptions {
  readonly name?: string;
  /** Traces a second kept for each root service. */
  readonly tracesPerSecond: number;
  /** Traces that may be kept at once after a quiet spell; at least 1. */
  readonly burst: number;
  /** Services with a bucket at once; past it the least recently seen one is forgotten (and starts full again). */
  readonly maxServices: number;
}

/**
 * A baseline: keeps up to `tracesPerSecond` traces a second per root service (a token bucket each, on the
 * sampler's clock, so the rate is one of decisions, not of arrivals). Every trace it is asked about spends a token
 * when it keeps it: placed last in the policy list, or last in an `and`, it spends only on traces nothing else kept.
 */
export function ratePolicy(opts: RateOptions): Policy {
  const name = opts.name ?? 'rate';
  const buckets = new BoundedMap<string, TokenBucket>(opts.maxServices);
  return {
    name,
    decide(trace, { now }) {
      const service = rootService(trace);
      let bucket = buckets.get(service);
      if (bucket === undefined) buckets.set(service, (bucket = new TokenBucket(opts.tracesPerSecond, opts.burst)));
      return bucket.take(now) ? answer(true, name, 'sampled') : answer(false, name, 'rate_limited');
    },
  };
}

/**
 * The service a trace is attributed to: its root span's (the earliest-starting span without a parent), or, while
 * the root has not arrived, the earliest-starting span's. Ties go to the smaller span id, so the answer does not
 * depend on the order spans arrived in.
 */
export function rootService(trace: readonly Span[]): string {
  let best: Span | undefined;
  for (const s of trace) {
    if (best === undefined) {
      best = s;
      continue;
    }
    const root = s.parentSpanId === null;
    const bestRoot = best.parentSpanId === null;
    if (root !== bestRoot) {
      if (root) best = s;
      continue;
    }
    if (s.startTimeUnixNano < best.startTimeUnixNano || (s.startTimeUnixNano === best.startTimeUnixNano && s.spanId < best.spanId)) best = s;
  }
  return best === undefined ? '' : serviceName(best.resource);
}

/**
 * Keeps a trace every policy keeps, asking them in order and stopping at the first refusal (whose answer it gives):
 * a rate limit placed last spends tokens only on traces the others agreed on.
 * @example andPolicy('slow-payments', [servicesPolicy({ services: ['payment'] }), latencyPolicy({ thresholdNanos: 2_000_000_000n })])
 */
export function andPolicy(name: string, policies: readonly Policy[]): Policy {
  return {
    name,
    decide(trace, ctx) {
      for (const p of policies) {
        const d = p.decide(trace, ctx);
        if (!d.keep) return d;
      }
      return answer(true, name, 'all_matched');
    },
    observe: observeAll(policies),
  };
}

/**
 * Keeps a trace any policy keeps, asking them in order and stopping at the first that keeps (whose answer it gives).
 * When none keeps it, the answer is the last one's refusal: with a rate baseline last, a dropped trace says whether
 * the baseline's budget ran out (`rate_limited`) — the sampler's own policy list works the same way.
 */
export function orPolicy(name: string, policies: readonly Policy[]): Policy {
  return {
    name,
    decide(trace, ctx) {
      let last = answer(false, name, 'none_matched');
      for (const p of policies) {
        last = p.decide(trace, ctx);
        if (last.keep) return last;
      }
      return last;
    },
    observe: observeAll(policies),
  };
}

function observeAll(policies: readonly Policy[]): Policy['observe'] {
  const learners = policies.filter((p) => p.observe !== undefined);
  if (learners.length === 0) return undefined;
  return (trace, ctx) => {
    for (const p of learners) p.observe!(trace, ctx);
  };
}
