import type { Span, Tenant, TraceId } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { BoundedMap } from './bounded-map.js';
import type { Decision, Policy, PolicyContext } from './policies.js';

export interface TailSamplerOptions {
  /** Asked in order; the first that keeps a trace keeps it (an `or`), else the last one's refusal drops it. */
  readonly policies: readonly Policy[];
  /** A trace is decided once this long has passed (ms) since its last span arrived. */
  readonly decisionWaitMs: number;
  /** …or once this long has passed since its first span arrived, however busy it still is (ms). */
  readonly maxTraceWaitMs: number;
  /** Spans held at most; past it the traces that arrived first are decided at once (`decidedEarly`). */
  readonly maxSpans: number;
  /** Decisions remembered for late spans; past it the least recently used is forgotten. */
  readonly decisionCacheSize: number;
  /** Milliseconds; the only clock the sampler reads. */
  readonly now: () => number;
  /** Told when a policy throws (a bug): the policy counts as refusing the trace, and the sampler goes on. */
  readonly onPolicyError?: (err: unknown, policy: string) => void;
}

/** Spans to store: a whole trace at its decision, or late spans that followed a decision made earlier. */
export interface KeptTrace {
  readonly traceId: TraceId;
  /** Whose trace it is: one trace id in two tenants is two traces, held and decided apart. */
  readonly tenant: Tenant;
  readonly spans: readonly Span[];
  /**
   * The smallest log position these spans came from. After a restart, spans from records at or below the last
   * replayed position may already be in the store (see README, "Replay and duplicates").
   */
  readonly firstPosition: bigint;
  /** The policy that kept the trace. */
  readonly policy: string;
  /** These spans arrived after their trace was decided, and followed the remembered decision. */
  readonly late: boolean;
}

/** Spans and traces dropped for one reason; late spans count as spans only. */
export interface DropCount {
  readonly policy: string;
  readonly reason: string;
  traces: number;
  spans: number;
}

/** What a call to `add` or `due` decided. */
export interface SamplerOutput {
  readonly kept: readonly KeptTrace[];
  /** By the refusal that dropped them, in the order first met. */
  readonly dropped: readonly DropCount[];
}

/** One top-level policy's work, in the order the policies are asked: traces it was asked about, what it kept, and why it refused. */
export interface PolicyCounts {
  readonly policy: string;
  tracesIn: number;
  spansIn: number;
  keptTraces: number;
  keptSpans: number;
  droppedTraces: number;
  droppedSpans: number;
  /** Spans of refused traces, by reason. */
  readonly droppedBy: Record<string, number>;
}

/**
 * Totals since the sampler was made, as plain numbers (the wiring copies them to metrics). Every span added is, at
 * any moment, held, kept or dropped: `spansIn === heldSpans + keptSpans + droppedSpans`.
 */
export interface TailSamplerStats {
  readonly spansIn: number;
  readonly heldSpans: number;
  readonly heldTraces: number;
  readonly keptTraces: number;
  readonly keptSpans: number;
  readonly droppedTraces: number;
  readonly droppedSpans: number;
  /** Kept spans (late ones included) by the policy that kept them. */
  readonly keptBy: Readonly<Record<string, number>>;
  /** Dropped spans (late ones included) by `policy:reason` of the refusal. */
  readonly droppedBy: Readonly<Record<string, number>>;
  /** Traces decided before their wait because held spans passed maxSpans, and their spans. */
  readonly decidedEarlyTraces: number;
  readonly decidedEarlySpans: number;
  /** Traces decided because they had been held maxTraceWait since their first span. */
  readonly decidedAtMaxWaitTraces: number;
  /** Spans that arrived after their trace's decision and followed it. */
  readonly lateKeptSpans: number;
  readonly lateDroppedSpans: number;
  /** Decisions forgotten to keep the cache within decisionCacheSize. */
  readonly decisionCacheEvictions: number;
  readonly policyErrors: number;
  readonly policies: readonly Readonly<PolicyCounts>[];
}

/** A trace id within its tenant: the trace id itself for the default tenant, else tenant and id. */
type TraceKey = string;

const traceKey = (tenant: Tenant, traceId: TraceId): TraceKey => (tenant === DEFAULT_TENANT ? traceId : `${tenant}/${traceId}`);

interface HeldTrace {
  readonly key: TraceKey;
  readonly traceId: TraceId;
  readonly tenant: Tenant;
  readonly spans: Span[];
  readonly firstSeen: number;
  lastSeen: number;
  readonly firstPosition: bigint;
}

type Cause = 'wait' | 'maxWait' | 'early';

/**
 * Tail sampling's core: holds each trace's spans until it goes quiet for the decision wait, then asks the policies
 * whether to keep it. Late spans of a decided trace follow the remembered decision. Synchronous and deterministic:
 * the same calls on the same clock give the same answers (the policies' learned state included), which is what lets
 * a restart replay the log into a new sampler. It holds nothing durable: the log keeps every record from
 * `oldestUndecidedPosition()` on.
 * @example
 * const sampler = new TailSampler({ policies: [errorPolicy()], decisionWaitMs: 10_000, maxTraceWaitMs: 300_000, maxSpans: 1e6, decisionCacheSize: 1e5, now: Date.now });
 * sampler.add(spans, walPosition); // late spans of decided traces come back at once
 * const { kept } = sampler.due();   // traces quiet for 10 s, decided
 */
export class TailSampler {
  /** Held traces in the order their first span arrived (so by log position too). */
  private readonly byFirst = new Map<TraceKey, HeldTrace>();
  /** The same traces in the order their last span arrived. */
  private readonly byLast = new Map<TraceKey, HeldTrace>();
  private readonly decisions: BoundedMap<TraceKey, Decision>;
  private readonly learners: readonly Policy[];
  private held = 0;
  private lastPosition: bigint | undefined;
  private lastNow = -Infinity;
  private readonly totals = {
    spansIn: 0,
    keptTraces: 0,
    keptSpans: 0,
    droppedTraces: 0,
    droppedSpans: 0,
    decidedEarlyTraces: 0,
    decidedEarlySpans: 0,
    decidedAtMaxWaitTraces: 0,
    lateKeptSpans: 0,
    lateDroppedSpans: 0,
    policyErrors: 0,
  };
  private readonly keptBy: Record<string, number> = {};
  private readonly droppedBy: Record<string, number> = {};
  private readonly perPolicy: PolicyCounts[];

  constructor(private readonly opts: TailSamplerOptions) {
    if (opts.policies.length === 0) throw new RangeError('a tail sampler needs at least one policy');
    this.decisions = new BoundedMap(opts.decisionCacheSize);
    this.learners = opts.policies.filter((p) => p.observe !== undefined);
    this.perPolicy = opts.policies.map((p) => ({ policy: p.name, tracesIn: 0, spansIn: 0, keptTraces: 0, keptSpans: 0, droppedTraces: 0, droppedSpans: 0, droppedBy: {} }));
  }

  /** Spans held, waiting for their trace's decision. */
  get heldSpans(): number {
    return this.held;
  }

  get heldTraces(): number {
    return this.byFirst.size;
  }

  /**
   * Takes the spans of one log record (of any number of traces), with the record's position. Spans of a trace decided
   * earlier follow that decision and come back at once, kept or counted as dropped; the others are held. When the
   * held spans pass maxSpans, the traces that arrived first are decided now, and come back too.
   * Positions must not go back: the log hands records over in order (a fresh sampler starts again from any position).
   * Every span of one call is `tenant`'s.
   */
  add(spans: readonly Span[], walPosition: bigint, tenant: Tenant = DEFAULT_TENANT): SamplerOutput {
    if (this.lastPosition !== undefined && walPosition < this.lastPosition) {
      throw new RangeError(`log positions must not go back: ${walPosition} after ${this.lastPosition}`);
    }
    this.lastPosition = walPosition;
    const now = this.clock();
    const out = new Output();
    this.totals.spansIn += spans.length;
    for (const [traceId, group] of groupByTrace(spans)) {
      const key = traceKey(tenant, traceId);
      const held = this.byFirst.get(key);
      if (held !== undefined) {
        for (const s of group) held.spans.push(s);
        held.lastSeen = now;
        this.byLast.delete(key);
        this.byLast.set(key, held);
        this.held += group.length;
        continue;
      }
      const decided = this.decisions.get(key);
      if (decided !== undefined) {
        this.late(traceId, tenant, group, walPosition, decided, out);
        continue;
      }
      // New, or decided so long ago that the decision was forgotten: held as a trace of its own.
      const trace: HeldTrace = { key, traceId, tenant, spans: group, firstSeen: now, lastSeen: now, firstPosition: walPosition };
      this.byFirst.set(key, trace);
      this.byLast.set(key, trace);
      this.held += group.length;
    }
    for (const oldest of this.byFirst.values()) {
      if (this.held <= this.opts.maxSpans) break;
      this.decide(oldest, now, 'early', out);
    }
    return out.result();
  }

  /**
   * Decides every trace whose last span arrived at least the decision wait before `now` (or whose first span came
   * maxTraceWait before it), in the order they went quiet.
   */
  due(now: number = this.opts.now()): SamplerOutput {
    const at = this.clock(now);
    const out = new Output();
    for (const trace of this.byFirst.values()) {
      if (trace.firstSeen + this.opts.maxTraceWaitMs > at) break;
      this.decide(trace, at, 'maxWait', out);
    }
    for (const trace of this.byLast.values()) {
      if (trace.lastSeen + this.opts.decisionWaitMs > at) break;
      this.decide(trace, at, 'wait', out);
    }
    return out.result();
  }

  /**
   * The smallest log position among the records whose spans are held (undefined when none is): every record before
   * it has been decided, so the log may release everything below it, and must keep the rest for a restart.
   */
  oldestUndecidedPosition(): bigint | undefined {
    for (const trace of this.byFirst.values()) return trace.firstPosition;
    return undefined;
  }

  stats(): TailSamplerStats {
    return {
      ...this.totals,
      heldSpans: this.held,
      heldTraces: this.byFirst.size,
      keptBy: { ...this.keptBy },
      droppedBy: { ...this.droppedBy },
      decisionCacheEvictions: this.decisions.evictions,
      policies: this.perPolicy.map((p) => ({ ...p, droppedBy: { ...p.droppedBy } })),
    };
  }

  /** The clock, never going back (a stepped-back clock would reorder the waits). */
  private clock(now: number = this.opts.now()): number {
    if (now > this.lastNow) this.lastNow = now;
    return this.lastNow;
  }

  private late(traceId: TraceId, tenant: Tenant, spans: Span[], walPosition: bigint, d: Decision, out: Output): void {
    if (d.keep) {
      out.keep({ traceId, tenant, spans, firstPosition: walPosition, policy: d.policy, late: true });
      this.totals.lateKeptSpans += spans.length;
      this.countKept(d, 0, spans.length);
    } else {
      out.drop(d, 0, spans.length);
      this.totals.lateDroppedSpans += spans.length;
      this.countDropped(d, 0, spans.length);
    }
  }

  private decide(trace: HeldTrace, now: number, cause: Cause, out: Output): void {
    this.byFirst.delete(trace.key);
    this.byLast.delete(trace.key);
    const n = trace.spans.length;
    this.held -= n;
    if (cause === 'early') {
      this.totals.decidedEarlyTraces++;
      this.totals.decidedEarlySpans += n;
    } else if (cause === 'maxWait') this.totals.decidedAtMaxWaitTraces++;
    const ctx: PolicyContext = { now };
    const d = this.evaluate(trace.spans, ctx);
    for (const p of this.learners) {
      try {
        p.observe!(trace.spans, ctx);
      } catch (err) {
        this.policyFailed(err, p.name);
      }
    }
    this.decisions.set(trace.key, d);
    if (d.keep) {
      out.keep({ traceId: trace.traceId, tenant: trace.tenant, spans: trace.spans, firstPosition: trace.firstPosition, policy: d.policy, late: false });
      this.countKept(d, 1, n);
    } else {
      out.drop(d, 1, n);
      this.countDropped(d, 1, n);
    }
  }

  /** The policies as an `or`, counting each one's answers. */
  private evaluate(spans: readonly Span[], ctx: PolicyContext): Decision {
    let d: Decision | undefined;
    for (const [i, p] of this.opts.policies.entries()) {
      try {
        d = p.decide(spans, ctx);
      } catch (err) {
        this.policyFailed(err, p.name);
        d = { keep: false, policy: p.name, reason: 'failed' };
      }
      const c = this.perPolicy[i]!;
      c.tracesIn++;
      c.spansIn += spans.length;
      if (d.keep) {
        c.keptTraces++;
        c.keptSpans += spans.length;
        return d;
      }
      c.droppedTraces++;
      c.droppedSpans += spans.length;
      c.droppedBy[d.reason] = (c.droppedBy[d.reason] ?? 0) + spans.length;
    }
    return d!;
  }

  private policyFailed(err: unknown, policy: string): void {
    this.totals.policyErrors++;
    this.opts.onPolicyError?.(err, policy);
  }

  private countKept(d: Decision, traces: number, spans: number): void {
    this.totals.keptTraces += traces;
    this.totals.keptSpans += spans;
    this.keptBy[d.policy] = (this.keptBy[d.policy] ?? 0) + spans;
  }

  private countDropped(d: Decision, traces: number, spans: number): void {
    this.totals.droppedTraces += traces;
    this.totals.droppedSpans += spans;
    const key = `${d.policy}:${d.reason}`;
    this.droppedBy[key] = (this.droppedBy[key] ?? 0) + spans;
  }
}

/** Spans grouped by trace, traces in the order first met. */
function groupByTrace(spans: readonly Span[]): Map<TraceId, Span[]> {
  const groups = new Map<TraceId, Span[]>();
  for (const s of spans) {
    const g = groups.get(s.traceId);
    if (g === undefined) groups.set(s.traceId, [s]);
    else g.push(s);
  }
  return groups;
}

class Output {
  private readonly kept: KeptTrace[] = [];
  private readonly dropped = new Map<string, DropCount>();

  keep(trace: KeptTrace): void {
    this.kept.push(trace);
  }

  drop(d: Decision, traces: number, spans: number): void {
    const key = `${d.policy}:${d.reason}`;
    let c = this.dropped.get(key);
    if (c === undefined) this.dropped.set(key, (c = { policy: d.policy, reason: d.reason, traces: 0, spans: 0 }));
    c.traces += traces;
    c.spans += spans;
  }

  result(): SamplerOutput {
    return { kept: this.kept, dropped: [...this.dropped.values()] };
  }
}
