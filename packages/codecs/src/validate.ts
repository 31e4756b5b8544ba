import { ZERO_SPAN_ID, ZERO_TRACE_ID } from '@clew/model';
import type { Span } from '@clew/model';
import type { DecodeResult } from './decode-result.js';

/**
 * Why a span's ids are unusable, or '' when they are fine. Ids arrive as lowercase hex of whatever length the
 * sender used, so both wire formats share this check. An id is undefined when OTLP/JSON held something that is not
 * hex there. Refused spans are an outcome (partial_success), not an error.
 */
export function spanIdProblem(traceId: string | undefined, spanId: string | undefined, parentSpanId: string | null | undefined): string {
  if (!isValidTraceId(traceId)) return badId('an invalid trace_id', traceId, 'must be 16 bytes, not all zero');
  if (!isValidSpanId(spanId)) return badId('an invalid span_id', spanId, 'must be 8 bytes, not all zero');
  if (parentSpanId !== null && parentSpanId?.length !== 16) return badId('an invalid parent_span_id', parentSpanId, 'must be empty or 8 bytes');
  return '';
}

/**
 * Why a link's ids are unusable, or ''. All-zero ids are not a problem in a link: the trace API has SDKs record a
 * link to an empty span context when it carries attributes or a trace state, and a span is not refused for one.
 */
export function linkIdProblem(traceId: string | undefined, spanId: string | undefined): string {
  if (traceId?.length !== 32) return badId('a link with an invalid trace_id', traceId, 'must be 16 bytes');
  if (spanId?.length !== 16) return badId('a link with an invalid span_id', spanId, 'must be 8 bytes');
  return '';
}

const badId = (what: string, hex: string | undefined, rule: string): string => `${what} (${hex === undefined ? 'not a hex string' : rule})`;

const isValidTraceId = (hex: string | undefined): boolean => hex !== undefined && hex.length === 32 && hex !== ZERO_TRACE_ID;
const isValidSpanId = (hex: string | undefined): boolean => hex !== undefined && hex.length === 16 && hex !== ZERO_SPAN_ID;

/**
 * Collects decoded spans and counts the refused ones. The message names the first refused span and its reason, and
 * when others were refused for other reasons, how many were refused for that one: the sender learns that fixing the
 * first problem would not be enough.
 */
export class SpanSink {
  readonly spans: Span[] = [];
  /**
   * @param checksIds false for spans Clew itself gave out (an export read back): they are kept with the ids the store
   *   held, which spans that came in by another protocol may have (a Zipkin or Jaeger link to an all-zero id).
   */
  constructor(readonly checksIds = true) {}

  private rejected = 0;
  private firstSpan = '';
  private firstProblem = '';
  private firstProblemCount = 0;

  reject(spanName: string, problem: string): void {
    if (this.rejected++ === 0) {
      this.firstSpan = spanName;
      this.firstProblem = problem;
    }
    if (problem === this.firstProblem) this.firstProblemCount++;
  }

  result(): DecodeResult {
    const n = this.rejected;
    if (n === 0) return { spans: this.spans, rejected: 0, rejectMessage: '' };
    const others = n - this.firstProblemCount;
    const rejectMessage =
      `${n} span${n === 1 ? '' : 's'} rejected: span '${this.firstSpan}' has ${this.firstProblem}` +
      (others === 0 ? '' : `; ${this.firstProblemCount} for this reason, ${others} for others`);
    return { spans: this.spans, rejected: n, rejectMessage };
  }
}
