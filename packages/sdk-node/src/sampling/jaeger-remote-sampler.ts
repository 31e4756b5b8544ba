import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { bearer } from '../token.js';
import { RateLimiter } from './rate-limiter.js';
import type { Strategy } from './strategy.js';
import { parseStrategy } from './strategy.js';

export const DEFAULT_SAMPLING_ENDPOINT = 'http://127.0.0.1:14268/api/sampling';
const DEFAULT_POLLING_INTERVAL_MS = 60_000;
const DEFAULT_INITIAL_RATE = 0.001;
/** Jaeger's clients keep at most this many per-operation samplers; later operations use the defaults. */
const MAX_OPERATIONS = 2000;

export interface JaegerRemoteSamplerOptions {
  serviceName: string;
  endpoint?: string;
  pollingIntervalMs?: number;
  initialSamplingRate?: number;
  /** Sent as `authorization: Bearer <token>` (Clew's `/api/sampling` wants one when auth is on); never printed. */
  token?: string | undefined;
}

type Decide = (traceId: string, spanName: string) => boolean;

function byRatio(rate: number): (traceId: string) => boolean {
  const sampler = new TraceIdRatioBasedSampler(rate);
  return (traceId) => sampler.shouldSample(context.active(), traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
}

/** Jaeger's guaranteed-throughput sampler: the ratio, plus at least `lowerBound` traces a second whatever the ratio. */
function guaranteed(rate: number, lowerBound: number): (traceId: string) => boolean {
  const ratio = byRatio(rate);
  const limiter = new RateLimiter(lowerBound);
  return (traceId) => {
    const floor = lowerBound > 0 && limiter.tryTake();
    return ratio(traceId) || floor;
  };
}

function decider(strategy: Strategy): Decide {
  switch (strategy.kind) {
    case 'probabilistic':
      return byRatio(strategy.samplingRate);
    case 'ratelimiting': {
      const limiter = new RateLimiter(strategy.maxTracesPerSecond);
      return () => strategy.maxTracesPerSecond > 0 && limiter.tryTake();
    }
    case 'per-operation': {
      const perOperation = new Map<string, (traceId: string) => boolean>();
      const fallback = byRatio(strategy.defaultSamplingProbability);
      return (traceId, spanName) => {
        let decide = perOperation.get(spanName);
        if (!decide) {
          if (perOperation.size >= MAX_OPERATIONS) return fallback(traceId);
          const rate = strategy.operations.get(spanName) ?? strategy.defaultSamplingProbability;
          decide = guaranteed(rate, strategy.defaultLowerBoundTracesPerSecond);
          perOperation.set(spanName, decide);
        }
        return decide(traceId);
      };
    }
  }
}

/**
 * A sampler for new root spans that follows strategies from a Jaeger remote-sampling endpoint
 * (`GET ${endpoint}?service=…`): probabilistic, rate-limiting or per operation. It samples at `initialSamplingRate`
 * until the first fetch succeeds and keeps the last good strategy while the endpoint fails.
 */
export class JaegerRemoteSampler implements Sampler {
  private decide: Decide;
  private description: string;
  private readonly url: string;
  private readonly timer: NodeJS.Timeout;
  private failing = false;
  private pending: Promise<void> | undefined;

  constructor(private readonly options: JaegerRemoteSamplerOptions) {
    const initial = options.initialSamplingRate ?? DEFAULT_INITIAL_RATE;
    this.decide = byRatio(initial);
    this.description = `initial ratio ${initial}`;
    const url = new URL(options.endpoint ?? DEFAULT_SAMPLING_ENDPOINT);
    url.searchParams.set('service', options.serviceName);
    this.url = url.toString();
    this.pending = this.poll();
    this.timer = setInterval(() => void (this.pending = this.poll()), options.pollingIntervalMs ?? DEFAULT_POLLING_INTERVAL_MS);
    // Polling must not keep an otherwise finished process alive.
    this.timer.unref();
  }

  shouldSample(_context: Context, traceId: string, spanName: string, _kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    return { decision: this.decide(traceId, spanName) ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `JaegerRemoteSampler{${this.url}, ${this.description}}`;
  }

  /** Resolves once the fetch under way (the first one, right after construction) has been applied. */
  settled(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  /** Stops polling. */
  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    try {
      // The sampler's own requests are not part of the application's traces.
      const res = await context.with(suppressTracing(context.active()), () => fetch(this.url, { headers: bearer(this.options.token), signal: AbortSignal.timeout(5000) }));
      if (res.status === 401) throw new Error(`HTTP 401: the endpoint wants a token${this.options.token === undefined ? ' (start({ token }) or CLEW_TOKEN)' : ', and refused the one given'}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const strategy = parseStrategy(await res.json());
      this.decide = decider(strategy);
      this.description = JSON.stringify(strategy, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v));
      if (this.failing) diag.info(`@clew/node: sampling strategies from ${this.url} are readable again`);
      this.failing = false;
    } catch (err) {
      // One warning per outage, not one per poll; the last good strategy (or the initial ratio) stays in force.
      if (!this.failing) diag.warn(`@clew/node: cannot read sampling strategies from ${this.url} (${(err as Error).message}); keeping ${this.description}`);
      this.failing = true;
    }
  }
}
