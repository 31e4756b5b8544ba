import type { TraceId, UnixNanos } from '@clew/model';
import type { SpanReader, TraceSearchResult } from '@clew/storage';
import type { SpanCondition } from './pushdown.js';

/** Candidates are read page by page within each time slice: small first pages, larger after. */
const PAGE_SIZES = [50, 200, 500];
/** At most this many pushed-down conditions are compared to find the most selective. */
const MAX_CONDITIONS = 4;
/** A window is searched newest first in slices: the first is this fraction of it, each next one twice the last. */
const FIRST_SLICE_FRACTION = 1024n;
/** Without a start or an end, the newest slice is one minute wide. */
const OPEN_FIRST_SLICE = 60_000_000_000n;

export interface CandidateWindow {
  readonly start?: UnixNanos;
  readonly end?: UnixNanos;
  /** Where an open window ends. */
  readonly now: UnixNanos;
  /** An upper bound on trace duration, which bounds every span's too. */
  readonly maxDuration?: bigint;
}

/**
 * Yields the ids of traces that may match, newest first, each once. It walks the time window in slices from its
 * end backwards (see timeSlices), so that the store reads only the newest part of the data for a search that
 * ends early (a scan of the whole window for an attribute kept in the generic strings costs far more than its
 * newest slice). The condition that drives the search is the one under which the store counts the fewest
 * traces in the first slice holding any (see candidateConditions for what the conditions are).
 */
export async function* candidateTraces(store: SpanReader, conditions: readonly SpanCondition[], window: CandidateWindow): AsyncGenerator<TraceId[]> {
  const choices = (conditions.length > 0 ? conditions.slice(0, MAX_CONDITIONS) : [{}]).map((c) => withMaxDuration(c, window.maxDuration));
  let driver: SpanCondition | undefined;
  const seen = new Set<TraceId>();
  for (const slice of timeSlices(window.start, window.end, window.now)) {
    for (let round = 0, offset = 0; ; round++) {
      const limit = PAGE_SIZES[Math.min(round, PAGE_SIZES.length - 1)]!;
      let page: TraceSearchResult;
      if (driver) {
        page = await store.findTraces({ ...driver, ...slice, limit, offset });
      } else {
        const pages = await Promise.all(choices.map((c) => store.findTraces({ ...c, ...slice, limit })));
        let best = 0;
        for (let i = 1; i < pages.length; i++) if (pages[i]!.total < pages[best]!.total) best = i;
        page = pages[best]!;
        // Nothing in this slice says which condition is rarer: choose again in the next one.
        if (pages.some((p) => p.total > 0)) driver = choices[best];
      }
      const fresh = page.traces.map((t) => t.traceId).filter((id) => !seen.has(id));
      for (const id of fresh) seen.add(id);
      if (fresh.length > 0) yield fresh;
      offset += page.traces.length;
      if (page.traces.length < limit) break;
    }
  }
}

function withMaxDuration(c: SpanCondition, maxTrace: bigint | undefined): SpanCondition {
  if (maxTrace === undefined || (c.maxDuration !== undefined && c.maxDuration <= maxTrace)) return c;
  return { ...c, maxDuration: maxTrace };
}

/**
 * Inclusive [start, end] slices of the window, newest first, each twice as wide as the one before. A bounded window
 * starts with 1/1024 of itself. An open one is walked back from its end, or from `now` (after a first slice for
 * spans stamped later than now, from skewed clocks), starting with one minute, down to its start or the epoch; the
 * store answers a slice holding no data without reading anything.
 */
export function* timeSlices(start: UnixNanos | undefined, end: UnixNanos | undefined, now: UnixNanos): Generator<Slice> {
  if (start !== undefined && end !== undefined) {
    if (end < start) {
      yield { start, end };
      return;
    }
    const width = (end - start + 1n) / FIRST_SLICE_FRACTION;
    yield* backwards(start, end, width < 1n ? 1n : width);
    return;
  }
  let hi = end;
  if (hi === undefined) {
    const future = start !== undefined && start > now ? start : now + 1n;
    yield { start: future as UnixNanos };
    if (start !== undefined && start > now) return;
    hi = now;
  }
  yield* backwards(start ?? 0n, hi, OPEN_FIRST_SLICE);
}

interface Slice {
  readonly start?: UnixNanos;
  readonly end?: UnixNanos;
}

function* backwards(start: bigint, end: bigint, firstWidth: bigint): Generator<Slice> {
  let width = firstWidth;
  for (let hi = end; hi >= start; width *= 2n) {
    const lo = hi - width + 1n > start ? hi - width + 1n : start;
    yield { start: lo as UnixNanos, end: hi as UnixNanos };
    hi = lo - 1n;
  }
}
