/** What tells one span from another: a Span, an outline, or a row read for a digest. */
interface SpanIdentity {
  readonly spanId: string;
  readonly kind: number;
  readonly startTimeUnixNano: bigint;
}

/**
 * A trace's spans with each span once: a span stored twice (an exporter sending a batch again when its answer was
 * lost, a file imported twice under two names, two Clews' exports imported into one) has the same span id, kind and
 * start (the archive's `spanKey`), and only the first read of it is kept. Tempo's trace combiner drops such repeats
 * by span id and kind, Jaeger's query drops identical spans; a client and a server span sharing an id (Zipkin's
 * shared spans) differ in kind and are both kept.
 *
 * `spans` are one trace's, in (start, span id) order as reads by id return them, so that repeats are next to each
 * other: one pass, nothing allocated when there is none (the array itself is returned).
 * @example withoutRepeats([a, a, b]) // [a, b]
 */
export function withoutRepeats<T extends SpanIdentity>(spans: T[]): T[] {
  let out: T[] | undefined;
  // The first span of the run sharing the current span's start and id.
  let run = 0;
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i]!;
    const p = spans[i - 1]!;
    let repeat = false;
    if (s.startTimeUnixNano !== p.startTimeUnixNano || s.spanId !== p.spanId) run = i;
    else {
      for (let j = run; j < i && !repeat; j++) repeat = spans[j]!.kind === s.kind;
    }
    if (repeat) out ??= spans.slice(0, i);
    else out?.push(s);
  }
  return out ?? spans;
}
