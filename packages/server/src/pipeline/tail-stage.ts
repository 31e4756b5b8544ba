import type { Span, Tenant, TraceId } from '@clew/model';
import type { Store } from '@clew/storage';
import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';
import { TenantSpans } from './tenant-runs.js';
import type { KeptTrace, SamplerOutput, TailSampler, TailSamplerStats } from './tail/tail-sampler.js';

/**
 * Tail sampling between the log and the store, around a TailSampler: what the store writer hands over is held, and
 * what the sampler keeps comes back to be written. It says how far the log may be released — to just before the
 * oldest record with an undecided trace — so a kill -9 loses no held trace: the log replays it into a new sampler.
 * After such a replay, a kept trace from a replayed record may have been stored before the crash; those spans are
 * looked up and only the missing ones written again.
 */
export class TailStage {
  /** The last log position handed to the sampler. */
  private lastAdded = 0n;
  /** Records up to here were replayed at start: their kept traces may already be stored. */
  private replayedThrough = 0n;

  constructor(
    private readonly sampler: TailSampler,
    private readonly store: Store,
  ) {}

  /**
   * Spans of one record, or of a run of records of one tenant (the last at `seq`); returns what was decided at once
   * (late spans, early decisions).
   */
  add(spans: readonly Span[], seq: bigint, replayed: boolean, tenant: Tenant): SamplerOutput {
    this.lastAdded = seq;
    if (replayed) this.replayedThrough = seq;
    return this.sampler.add(spans, seq, tenant);
  }

  /** Traces whose decision wait is over. */
  due(): SamplerOutput {
    return this.sampler.due();
  }

  get heldSpans(): number {
    return this.sampler.heldSpans;
  }

  /** Every record up to this position is decided (and what it kept is written once the caller writes it). */
  safePosition(): bigint {
    return (this.sampler.oldestUndecidedPosition() ?? this.lastAdded + 1n) - 1n;
  }

  /**
   * The spans to store for what was kept, with whose they are, without those a replayed record's trace already has
   * in the store (looked up in its own tenant's spans).
   */
  async spansToStore(kept: readonly KeptTrace[]): Promise<TenantSpans> {
    const fresh = new TenantSpans();
    const maybeStored = new Map<Tenant, KeptTrace[]>();
    for (const k of kept) {
      if (k.firstPosition > this.replayedThrough) fresh.add(k.tenant, k.spans);
      else maybeStored.set(k.tenant, [...(maybeStored.get(k.tenant) ?? []), k]);
    }
    for (const [tenant, traces] of maybeStored) {
      const stored = await this.store.forTenant(tenant).getTraces(traces.map((k) => k.traceId));
      for (const k of traces) {
        const have = new Set((stored.get(k.traceId as TraceId) ?? []).map((s) => s.spanId));
        fresh.add(tenant, k.spans.filter((s) => !have.has(s.spanId)));
      }
    }
    return fresh;
  }

  stats(): TailSamplerStats {
    return this.sampler.stats();
  }
}

/**
 * The sampler's totals on /metrics: spans kept and dropped by policy and reason, held spans and traces, traces
 * decided early because of maxSpans. Read at scrape time from the sampler's own counts.
 */
export function registerTailMetrics(metrics: Metrics, stage: TailStage): void {
  const registers = [metrics.registry];
  let last: TailSamplerStats | undefined;
  const delta = (now: number, before: number | undefined) => now - (before ?? 0);
  new Counter({
    name: 'clew_tail_sampling_spans_total',
    help: 'Spans tail sampling decided, by outcome (kept, dropped), the policy that decided and its reason.',
    labelNames: ['outcome', 'policy', 'reason'] as const,
    registers,
    collect() {
      const s = stage.stats();
      for (const [policy, n] of Object.entries(s.keptBy)) this.inc({ outcome: 'kept', policy, reason: 'kept' }, delta(n, last?.keptBy[policy]));
      for (const [key, n] of Object.entries(s.droppedBy)) {
        // `policy:reason`; a policy's name may hold a colon, a reason never does.
        const colon = key.lastIndexOf(':');
        this.inc({ outcome: 'dropped', policy: key.slice(0, colon), reason: key.slice(colon + 1) }, delta(n, last?.droppedBy[key]));
      }
      last = s;
    },
  });
  new Gauge({
    name: 'clew_tail_sampling_held_spans',
    help: 'Spans tail sampling holds, waiting for their trace to be decided.',
    registers,
    collect() {
      this.set(stage.stats().heldSpans);
    },
  });
  new Gauge({
    name: 'clew_tail_sampling_held_traces',
    help: 'Traces tail sampling holds.',
    registers,
    collect() {
      this.set(stage.stats().heldTraces);
    },
  });
  let early = 0;
  new Counter({
    name: 'clew_tail_sampling_decided_early_spans_total',
    help: 'Spans of traces decided before their wait because the held spans passed tailSampling.maxSpans.',
    registers,
    collect() {
      const now = stage.stats().decidedEarlySpans;
      this.inc(now - early);
      early = now;
    },
  });
}
