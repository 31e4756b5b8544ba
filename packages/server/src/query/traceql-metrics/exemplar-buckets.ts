import type { RangeRequest } from './interval-mapper.js';

/** At most this many exemplars per time bucket (Tempo's maxExemplarsPerBucket). */
const PER_BUCKET = 2;

/**
 * Tempo's exemplar bucket set (pkg/traceql/util.go): the aligned range in milliseconds is cut into `limit / 2`
 * buckets of at most two exemplars each, so that exemplars spread over the whole range instead of crowding where
 * spans were read first; at most `limit` in all. Instant queries take none.
 */
export class ExemplarBuckets {
  private readonly counts: number[];
  private total = 0;
  private readonly start: number;
  private readonly end: number;
  private readonly width: number;

  constructor(
    private readonly limit: number,
    req: RangeRequest,
  ) {
    const n = Math.max(1, Math.floor(limit / PER_BUCKET));
    const startNs = req.step === 0n ? 0n : req.start - (req.start % req.step);
    const endNs = req.step === 0n ? 0n : req.end % req.step === 0n ? req.end : req.end + (req.step - (req.end % req.step));
    this.start = Number(startNs / 1_000_000n);
    this.end = Number(endNs / 1_000_000n);
    this.width = Math.max(Math.floor((this.end - this.start) / n), 1);
    this.counts = new Array<number>(req.instant ? 0 : n).fill(0);
  }

  /** True when no more exemplars fit at all. */
  full(): boolean {
    return this.counts.length === 0 || this.total >= this.limit;
  }

  /** Takes an exemplar at `ms` if its bucket has room: false when it was refused. */
  tryAdd(ms: number): boolean {
    if (this.full() || ms < this.start || ms > this.end) return false;
    const b = this.start === this.end ? 0 : Math.min(Math.floor((ms - this.start) / this.width), this.counts.length - 1);
    if (this.counts[b]! >= PER_BUCKET) return false;
    this.counts[b]!++;
    this.total++;
    return true;
  }
}
