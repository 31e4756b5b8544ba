import type { Span, Tenant } from '@clew/model';
import type { TenantRun } from '@clew/storage';

/**
 * Spans of several tenants gathered for one store append: the spans in order, and the runs saying whose they are
 * (consecutive spans of one tenant share a run).
 */
export class TenantSpans {
  readonly spans: Span[] = [];
  readonly runs: TenantRun[] = [];

  add(tenant: Tenant, spans: readonly Span[]): void {
    if (spans.length === 0) return;
    for (const s of spans) this.spans.push(s);
    const last = this.runs.at(-1);
    if (last !== undefined && last.tenant === tenant) this.runs[this.runs.length - 1] = { tenant, spans: last.spans + spans.length };
    else this.runs.push({ tenant, spans: spans.length });
  }
}

/** The runs of spans[from, to) of a batch whose runs are `runs`, for a write of part of it. */
export function runsBetween(runs: readonly TenantRun[], from: number, to: number): TenantRun[] {
  const out: TenantRun[] = [];
  let at = 0;
  for (const r of runs) {
    const lo = Math.max(at, from);
    const hi = Math.min(at + r.spans, to);
    if (hi > lo) out.push({ tenant: r.tenant, spans: hi - lo });
    at += r.spans;
  }
  return out;
}
