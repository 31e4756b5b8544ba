import type { Span } from '@clew/model';
import { goJson, goStringCompare, RawJson } from './go-json.js';
import type { GoValue } from './go-json.js';
import type { NormalizedTrace } from './normalize.js';
import type { TracePatch } from './patch.js';
import { diffTraces } from './patch.js';

/* Tempo's pkg/model/tracediff/summary.go (trace-summary-v0-native) and composed.go (trace-summary-v0-composed). */

export const VERSION_TRACE_SUMMARY_V0_NATIVE = 'trace-summary-v0-native';
export const VERSION_TRACE_SUMMARY_V0_COMPOSED = 'trace-summary-v0-composed';
/** The patch rides along in a composed answer when its JSON is at most this many bytes. */
export const DEFAULT_PATCH_BUDGET_BYTES = 64 * 1024;

const DRIFT_MIN_NANOS = 1_000_000n;
const DRIFT_RELATIVE_SCALE = 20n;
const UNKNOWN_SERVICE = '<unknown>';

/** The trace-summary-v0-native document. */
export function summarize(base: readonly Span[], compare: readonly Span[]): GoValue {
  const d = diffTraces(base, compare);
  return summarizeFromPatch(d.patch, d.base, d.compare);
}

/** The trace-summary-v0-composed document: the summary, and the patch itself when it fits `budgetBytes`. */
export function compose(base: readonly Span[], compare: readonly Span[], budgetBytes = DEFAULT_PATCH_BUDGET_BYTES): GoValue {
  const d = diffTraces(base, compare);
  const summary = summarizeFromPatch(d.patch, d.base, d.compare);
  const patchText = goJson(d.patch as unknown as GoValue);
  const bytes = Buffer.byteLength(patchText);
  return {
    version: VERSION_TRACE_SUMMARY_V0_COMPOSED,
    summary,
    ...(bytes <= budgetBytes ? { patch: new RawJson(patchText) } : { patchOmitted: { bytes, reason: 'over_budget' } }),
  };
}

interface Durations {
  envelope: bigint;
  sum: bigint;
}

function summarizeFromPatch(patch: TracePatch, base: NormalizedTrace, compare: NormalizedTrace): GoValue {
  const [baseSummary, baseDur] = summarizeTrace(base);
  const [compareSummary, compareDur] = summarizeTrace(compare);
  const structureChanged = structureChangedServices(structureSignature(base), structureSignature(compare));
  const s = patch.stats;
  const stats = {
    traceLatencyDeltaMs: Number((compareDur.envelope - baseDur.envelope) / 1_000_000n),
    sumSpanDurationDeltaMs: Number((compareDur.sum - baseDur.sum) / 1_000_000n),
    spanCountDelta: s.spanCountB - s.spanCountA,
    errorSpanDelta: compareSummary.errorSpanCount - baseSummary.errorSpanCount,
    matchedSpans: s.matchedSpans,
    modifiedSpans: s.modifiedSpans,
    addedSpans: s.addedSpans,
    removedSpans: s.removedSpans,
    fieldChanges: s.fieldChanges,
    attributeChanges: s.attributeChanges,
  };
  const [changedServices, services] = serviceSections(patch, serviceSums(base), serviceSums(compare), structureChanged);
  return {
    version: VERSION_TRACE_SUMMARY_V0_NATIVE,
    base: baseSummary,
    compare: compareSummary,
    signals: {
      traceLatency: signal(stats.traceLatencyDeltaMs),
      sumSpanDuration: signal(stats.sumSpanDurationDeltaMs),
      errors: signal(stats.errorSpanDelta),
      spanCount: signal(stats.spanCountDelta),
      structure: s.addedSpans > 0 || s.removedSpans > 0 || structureChanged.size > 0 ? 'changed' : 'unchanged',
    },
    trust: {
      matchedSpanRatio: ratio(s.spanCountA, s.spanCountB, s.matchedSpans, Math.max),
      structureOverlap: ratio(s.spanCountA, s.spanCountB, s.matchedSpans, Math.min),
    },
    stats,
    ...(patch.warnings.length > 0 && { warnings: patch.warnings as unknown as GoValue }),
    changedServices,
    services: services as unknown as GoValue,
  };
}

interface TraceSummary {
  readonly [key: string]: GoValue | undefined;
  readonly errorSpanCount: number;
}

/** One side's figures; the envelope and sums stay in nanoseconds until the deltas are taken. */
function summarizeTrace(trace: NormalizedTrace): [TraceSummary, Durations] {
  let first = 0n;
  let last = 0n;
  let haveStart = false;
  let sum = 0n;
  let errors = 0;
  for (const span of trace.spans) {
    if (span.durationValid && (!haveStart || span.start < first)) {
      first = span.start;
      haveStart = true;
    }
    if (span.durationValid && span.end > last) last = span.end;
    sum += span.snapshot.duration_nanos;
    if (span.snapshot.status === 'error') errors++;
  }
  const envelope = haveStart && last >= first ? last - first : 0n;
  const root = trace.spans[0];
  return [
    {
      traceId: trace.meta.traceId,
      ...(root !== undefined && root.ref.service !== '' && { rootService: root.ref.service }),
      ...(root !== undefined && root.ref.name !== '' && { rootName: root.ref.name }),
      spanCount: trace.meta.spanCount,
      errorSpanCount: errors,
      durationMs: Number(envelope / 1_000_000n),
      sumSpanDurationMs: Number(sum / 1_000_000n),
    },
    { envelope, sum },
  ];
}

/** Each service's multiset of (identity, parent identity, has parent) rows, as counts by row. */
function structureSignature(trace: NormalizedTrace): Map<string, Map<string, number>> {
  const sig = new Map<string, Map<string, number>>();
  for (const span of trace.spans) {
    const service = span.ref.service || UNKNOWN_SERVICE;
    let rows = sig.get(service);
    if (!rows) sig.set(service, (rows = new Map()));
    const row = `${span.identity}\u0001${span.parentIdentity}\u0001${span.hasParent}`;
    rows.set(row, (rows.get(row) ?? 0) + 1);
  }
  return sig;
}

function structureChangedServices(base: Map<string, Map<string, number>>, compare: Map<string, Map<string, number>>): Set<string> {
  const changed = new Set<string>();
  const equal = (x: Map<string, number>, y: Map<string, number> | undefined) =>
    y !== undefined && x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
  for (const [service, rows] of base) if (!equal(rows, compare.get(service))) changed.add(service);
  for (const service of compare.keys()) if (!base.has(service)) changed.add(service);
  return changed;
}

function serviceSums(trace: NormalizedTrace): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const span of trace.spans) {
    const service = span.ref.service || UNKNOWN_SERVICE;
    sums.set(service, (sums.get(service) ?? 0n) + span.snapshot.duration_nanos);
  }
  return sums;
}

interface Rollup {
  name: string;
  sumSpanDurationDeltaMs: number;
  modified: number;
  added: number;
  removed: number;
  newErrors: number;
  resolvedErrors: number;
}

function serviceSections(patch: TracePatch, baseSums: Map<string, bigint>, compareSums: Map<string, bigint>, structureChanged: Set<string>): [string[], Rollup[]] {
  const counts = matcherCounts(patch);
  const changed = new Set([...counts.keys(), ...structureChanged]);
  const rollups: Rollup[] = [];
  for (const service of new Set([...baseSums.keys(), ...compareSums.keys()])) {
    const baseNanos = baseSums.get(service) ?? 0n;
    const delta = (compareSums.get(service) ?? 0n) - baseNanos;
    const count = counts.get(service);
    if (driftSignificant(baseNanos, delta)) changed.add(service);
    else if (!count) continue;
    rollups.push({
      name: service,
      sumSpanDurationDeltaMs: Number(delta / 1_000_000n),
      modified: count?.modified ?? 0,
      added: count?.added ?? 0,
      removed: count?.removed ?? 0,
      newErrors: count?.newErrors ?? 0,
      resolvedErrors: count?.resolvedErrors ?? 0,
    });
  }
  rollups.sort(
    (a, b) =>
      Math.abs(b.sumSpanDurationDeltaMs) - Math.abs(a.sumSpanDurationDeltaMs) || b.newErrors - a.newErrors || goStringCompare(a.name, b.name),
  );
  return [[...changed].sort(goStringCompare), rollups];
}

/** At least 1 ms and at least 5% of the base sum (rounded up), in nanoseconds. */
function driftSignificant(baseNanos: bigint, deltaNanos: bigint): boolean {
  const abs = deltaNanos < 0n ? -deltaNanos : deltaNanos;
  if (abs < DRIFT_MIN_NANOS) return false;
  let threshold = baseNanos / DRIFT_RELATIVE_SCALE;
  if (baseNanos % DRIFT_RELATIVE_SCALE !== 0n) threshold++;
  return abs >= threshold;
}

function matcherCounts(patch: TracePatch): Map<string, Rollup> {
  const counts = new Map<string, Rollup>();
  const get = (service: string): Rollup => {
    const name = service || UNKNOWN_SERVICE;
    let c = counts.get(name);
    if (!c) counts.set(name, (c = { name, sumSpanDurationDeltaMs: 0, modified: 0, added: 0, removed: 0, newErrors: 0, resolvedErrors: 0 }));
    return c;
  };
  for (const m of patch.modified) {
    const c = get(m.span.service);
    c.modified++;
    for (const ch of m.changes) {
      if (ch.target.type !== 'field' || ch.target.name !== 'status') continue;
      const before = typeof ch.before === 'string' ? ch.before : '';
      const after = typeof ch.after === 'string' ? ch.after : '';
      if (after === 'error' && before !== 'error') c.newErrors++;
      else if (before === 'error' && after !== 'error') c.resolvedErrors++;
    }
  }
  for (const a of patch.added) {
    const c = get(a.span.service);
    c.added++;
    if (a.span.status === 'error') c.newErrors++;
  }
  for (const r of patch.removed) {
    const c = get(r.span.service);
    c.removed++;
    if (r.span.status === 'error') c.resolvedErrors++;
  }
  return counts;
}

const signal = (delta: number): string => (delta > 0 ? 'increased' : delta < 0 ? 'decreased' : 'unchanged');

function ratio(a: number, b: number, matched: number, pick: (x: number, y: number) => number): number {
  if (a === 0 && b === 0) return 1;
  const d = pick(a, b);
  return d === 0 ? 0 : matched / d;
}
