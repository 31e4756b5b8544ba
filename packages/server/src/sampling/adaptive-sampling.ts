import type { Span, Tenant } from '@clew/model';
import { DEFAULT_TENANT, getAttribute, getStringAttribute, serviceName } from '@clew/model';
import type { SpanConsumer } from '../pipeline/consumer.js';
import { tenantKey } from '../span-metrics/tenant-key.js';
import type { CalculatorOptions } from './adaptive-calculator.js';
import { floatEquals, INCREASE_CAP, nextProbability } from './adaptive-calculator.js';
import type { StrategyProvider, StrategyResponse } from './strategy-response.js';

export interface AdaptiveSamplingOptions {
  readonly targetTracesPerSecond: number;
  readonly deltaTolerance: number;
  readonly calculationIntervalMs: number;
  readonly initialSamplingProbability: number;
  readonly minSamplingProbability: number;
  readonly minTracesPerSecond: number;
  readonly aggregationBuckets: number;
  /**
   * The last write-ahead-log position replayed at start-up: those spans arrived before the restart, and counting them
   * now would make the first interval's rate up.
   */
  readonly replayedThrough?: bigint;
}

/** Operations learned per service at most: Jaeger's clients keep no more per-operation samplers than this. */
export const MAX_OPERATIONS_PER_SERVICE = 2000;

/** Root spans of one operation in the interval under way (Jaeger's `model.Throughput`). */
interface Throughput {
  /** Root spans sampled by probability: the ones the rate is measured from. */
  count: number;
  /** A root span came without Jaeger's sampler tags (every OpenTelemetry SDK's): taken as following Clew's strategy. */
  untagged: boolean;
  /** The `sampler.param` values of tagged root spans, as Jaeger keeps them (`TruncateFloat`: 6 decimals). */
  readonly probabilities: Set<string>;
}

interface Learned {
  probability: number;
  /** The interval the operation last sent a root span in. */
  lastSeen: number;
}

const truncate = (p: number): string => p.toFixed(6);

function samplerParam(span: Span): number | undefined {
  const v = getAttribute(span.attributes, 'sampler.param');
  if (v?.type === 'double') return v.value;
  if (v?.type === 'int') return Number(v.value);
  if (v?.type === 'string' && v.value.trim() !== '') return Number(v.value);
  return undefined;
}

/**
 * Adaptive sampling, as Jaeger's (its `adaptive` aggregator, post-aggregator and provider in one process): counts the
 * root spans of each service's operations as they are accepted, and at the end of every calculation interval moves
 * each operation's probability toward `targetTracesPerSecond` ({@link nextProbability}). It serves what it has learned
 * as per-operation strategies, with the initial probability and a lower bound for operations not learned yet.
 *
 * State is in memory: a restart starts again from the initial probability, and each Clew learns only from the spans
 * it receives. Intervals are closed when a batch or a strategy request comes after their end (no timer), by the
 * injected clock.
 *
 * Root spans carrying Jaeger clients' sampler tags are read as Jaeger reads them: `probabilistic` spans are counted,
 * `lowerbound` ones only say the operation is alive, others (`const`, `ratelimiting`) are not following per-operation
 * probabilities and are left out; and an operation whose spans report another probability than the one served is not
 * adjusted (its service is not following, or not yet). Root spans without those tags are counted.
 */
export class AdaptiveSampling implements SpanConsumer, StrategyProvider {
  readonly name = 'adaptive-sampling';
  private readonly learned = new Map<string, Map<string, Learned>>();
  private counts = new Map<string, Map<string, Throughput>>();
  private readonly calculator: CalculatorOptions;
  /** Index of the interval under way, and when it ends (ms on `now`'s clock). */
  private interval = 0;
  private intervalEnd: number;

  constructor(
    private readonly options: AdaptiveSamplingOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.calculator = { ...options, increaseCap: INCREASE_CAP };
    this.intervalEnd = now() + options.calculationIntervalMs;
  }

  push(spans: readonly Span[], walPosition: bigint, tenant: Tenant = DEFAULT_TENANT): void {
    if (this.options.replayedThrough !== undefined && walPosition <= this.options.replayedThrough) return;
    this.advance();
    for (const span of spans) if (span.parentSpanId === null) this.record(span, tenant);
  }

  strategyFor(service: string, tenant: Tenant = DEFAULT_TENANT): StrategyResponse {
    this.advance();
    const learned = this.learned.get(tenantKey(tenant, service));
    const operations = learned ? [...learned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
    return {
      strategyType: 'PROBABILISTIC',
      operationSampling: {
        defaultSamplingProbability: this.options.initialSamplingProbability,
        defaultLowerBoundTracesPerSecond: this.options.minTracesPerSecond,
        perOperationStrategies: operations.map(([operation, { probability }]) => ({ operation, probabilisticSampling: { samplingRate: probability } })),
        defaultUpperBoundTracesPerSecond: 0,
      },
    };
  }

  /** The probability learned for an operation, or undefined while it has none (it is served the initial one). */
  probabilityOf(service: string, operation: string, tenant: Tenant = DEFAULT_TENANT): number | undefined {
    this.advance();
    return this.learned.get(tenantKey(tenant, service))?.get(operation)?.probability;
  }

  /** Counts are keyed by tenantKey(tenant, service): each tenant learns its own probabilities. */
  private record(span: Span, tenant: Tenant): void {
    const service = tenantKey(tenant, serviceName(span.resource));
    if (span.name === '') return;
    const type = getStringAttribute(span.attributes, 'sampler.type');
    const param = type === undefined ? undefined : samplerParam(span);
    if (type !== undefined && ((type !== 'probabilistic' && type !== 'lowerbound') || param === undefined || Number.isNaN(param))) return;
    let ops = this.counts.get(service);
    if (!ops) this.counts.set(service, (ops = new Map()));
    let t = ops.get(span.name);
    if (!t) {
      if (ops.size >= MAX_OPERATIONS_PER_SERVICE) return;
      ops.set(span.name, (t = { count: 0, untagged: false, probabilities: new Set() }));
    }
    if (type === undefined) {
      t.untagged = true;
      t.count++;
      return;
    }
    t.probabilities.add(truncate(param!));
    if (type === 'probabilistic') t.count++;
  }

  /** Closes every interval that has ended: the first with what was counted in it, the rest empty. */
  private advance(): void {
    const t = this.now();
    if (t < this.intervalEnd) return;
    const ms = this.options.calculationIntervalMs;
    const ended = Math.floor((t - this.intervalEnd) / ms) + 1;
    this.calculate(this.counts);
    this.counts = new Map();
    this.interval += ended;
    this.intervalEnd += ended * ms;
    this.forgetQuiet();
  }

  private calculate(counts: ReadonlyMap<string, ReadonlyMap<string, Throughput>>): void {
    const seconds = this.options.calculationIntervalMs / 1000;
    for (const [service, ops] of counts) {
      let learned = this.learned.get(service);
      if (!learned) this.learned.set(service, (learned = new Map()));
      for (const [operation, t] of ops) {
        let op = learned.get(operation);
        if (!op) {
          if (learned.size >= MAX_OPERATIONS_PER_SERVICE) continue;
          learned.set(operation, (op = { probability: this.options.initialSamplingProbability, lastSeen: this.interval }));
        }
        op.lastSeen = this.interval;
        if (this.follows(op.probability, t)) op.probability = nextProbability(op.probability, t.count / seconds, this.calculator);
      }
    }
  }

  /**
   * Whether the operation's spans were sampled at the probability Clew serves it (Jaeger's `isUsingAdaptiveSampling`):
   * untagged spans are taken to be; at the initial probability it is assumed, as for an operation seen the first time.
   */
  private follows(probability: number, t: Throughput): boolean {
    return t.untagged || floatEquals(probability, this.options.initialSamplingProbability) || t.probabilities.has(truncate(probability));
  }

  /** An operation quiet for `aggregationBuckets` intervals is forgotten (Jaeger keeps that many intervals of counts). */
  private forgetQuiet(): void {
    for (const [service, learned] of this.learned) {
      for (const [operation, op] of learned) if (this.interval - op.lastSeen > this.options.aggregationBuckets) learned.delete(operation);
      if (learned.size === 0) this.learned.delete(service);
    }
  }
}
