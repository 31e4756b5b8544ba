/**
 * Time in a TraceQL metrics query, as Tempo's engine_metrics.go has it: a request's range is aligned to its step,
 * intervals are right-closed (`(start, start+step]`), and each is reported at its right edge. Nanoseconds as
 * bigint (they do not fit a JS number); timestamps on the wire are milliseconds.
 */

const NANOS_PER_MILLI = 1_000_000n;
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;

/** A query_range (or, with `instant`, a query) request after parsing: nanoseconds, the exemplars wanted. */
export interface RangeRequest {
  readonly start: bigint;
  readonly end: bigint;
  readonly step: bigint;
  readonly instant: boolean;
  readonly exemplars: number;
}

/**
 * Tempo's DefaultQueryRangeStep: about 240 points (one hour at 15 s), rounded down to a whole 1 h, 5 m, 1 m, 15 s,
 * 5 s or 1 s; under a minute of range, multiples of 50 ms.
 */
export function defaultStep(start: bigint, end: bigint): bigint {
  const delta = end - start;
  const baseline = delta / 240n;
  if (delta < MINUTE) {
    const g = 50n * NANOS_PER_MILLI;
    return baseline > g ? (baseline / g) * g : g;
  }
  for (const g of [60n * MINUTE, 5n * MINUTE, MINUTE, 15n * SECOND, 5n * SECOND, SECOND]) {
    if (baseline > g) return (baseline / g) * g;
  }
  return SECOND;
}

const alignStart = (start: bigint, step: bigint): bigint => (step === 0n ? 0n : start - (start % step));
const alignEnd = (end: bigint, step: bigint): bigint => (step === 0n ? 0n : end % step === 0n ? end : end + (step - (end % step)));

/**
 * Tempo's AlignRequest: start down and end up to the step, then one more step in front, so that refreshing
 * "last hour" gives the same intervals. Instant requests are left as they are.
 */
export function alignRequest(req: RangeRequest): RangeRequest {
  if (req.instant) return req;
  let start = alignStart(req.start, req.step);
  const end = alignEnd(req.end, req.step);
  if (start > req.step) start -= req.step;
  return { ...req, start, end };
}

/** Which interval a time falls in, and where each interval is reported. */
export interface IntervalMapper {
  readonly count: number;
  /** The interval of a span starting at `ts` (ns), or -1 outside the range. */
  interval(ts: bigint): number;
  /** The interval of a timestamp in milliseconds (samples, exemplars), or -1. */
  intervalMs(ms: number): number;
  /** An interval's timestamp in milliseconds. */
  timestampMs(interval: number): number;
}

/** Tempo's NewIntervalMapperFromReq. */
export function intervalMapper(req: RangeRequest): IntervalMapper {
  const startMs = req.start - (req.start % NANOS_PER_MILLI);
  const endMs = req.end - (req.end % NANOS_PER_MILLI);
  if (req.instant) {
    const valid = (ts: bigint, s: bigint, e: bigint) => ts >= s && ts <= e && e !== s;
    return {
      count: 1,
      interval: (ts) => (valid(ts, req.start, req.end) ? 0 : -1),
      intervalMs: (ms) => (valid(BigInt(ms) * NANOS_PER_MILLI, startMs, endMs) ? 0 : -1),
      timestampMs: () => Number(req.end / NANOS_PER_MILLI),
    };
  }
  const step = req.step;
  const start = alignStart(req.start, step);
  const end = alignEnd(req.end, step);
  const aStartMs = alignStart(startMs, step);
  const aEndMs = alignEnd(endMs, step);
  const of = (ts: bigint, s: bigint, e: bigint): number => {
    if (!(ts > s && ts <= e && e !== s && step !== 0n)) return -1;
    const offset = ts - s;
    const i = offset / step;
    // A time on a step boundary closes the interval before it.
    return Number(i * step === offset ? i - 1n : i);
  };
  return {
    count: step === 0n ? 0 : Number((end - start) / step),
    interval: (ts) => of(ts, start, end),
    intervalMs: (ms) => of(BigInt(ms) * NANOS_PER_MILLI, aStartMs, aEndMs),
    timestampMs: (i) => Number((start + BigInt(i + 1) * step) / NANOS_PER_MILLI),
  };
}
