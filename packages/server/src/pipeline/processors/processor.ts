import type { Span } from '@clew/model';

/**
 * One step before the write-ahead log: a batch of spans in, a batch out. A processor never mutates a span: a span it
 * changes is a new object, and a batch it leaves alone comes back as the same array (so the chain can tell that the
 * received bytes may be logged as they are).
 */
export interface Processor {
  /** Its name in metrics and results: the configured `name`, else its type. */
  readonly name: string;
  process(spans: readonly Span[]): ProcessorOutput;
}

export interface ProcessorOutput {
  readonly spans: readonly Span[];
  /** Spans of the input left out, and why (a short reason for metrics: "sampled_out", "filtered", "trace_too_large"). */
  readonly dropped: number;
  readonly dropReason?: string;
  /** Spans of the output that differ from their input. */
  readonly modified: number;
}

/** The same batch, untouched. */
export const unchanged = (spans: readonly Span[]): ProcessorOutput => ({ spans, dropped: 0, modified: 0 });

/**
 * Maps each span with `fn` (which returns the span itself when it leaves it alone), counting the changed ones; the
 * input array comes back when none changed.
 */
export function mapSpans(spans: readonly Span[], fn: (span: Span) => Span): ProcessorOutput {
  let out: Span[] | undefined;
  let modified = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const t = fn(s);
    if (t !== s) {
      out ??= spans.slice(0, i);
      modified++;
    }
    out?.push(t);
  }
  return { spans: out ?? spans, dropped: 0, modified };
}

/** Keeps the spans `keep` accepts; the input array comes back when it keeps them all. */
export function filterSpans(spans: readonly Span[], keep: (span: Span) => boolean, dropReason: string): ProcessorOutput {
  const out = spans.filter(keep);
  return out.length === spans.length ? unchanged(spans) : { spans: out, dropped: spans.length - out.length, dropReason, modified: 0 };
}

/**
 * A per-object memo for resources and scopes, which spans share by reference: each is transformed once per batch
 * and the result shared again, so the store still stores it once.
 */
export function memoized<T extends object>(fn: (value: T) => T): (value: T) => T {
  const seen = new Map<T, T>();
  return (value) => {
    let out = seen.get(value);
    if (out === undefined) seen.set(value, (out = fn(value)));
    return out;
  };
}
