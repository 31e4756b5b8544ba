import type { Span } from '@clew/model';

/** What a decoder returns: the valid spans, and how many it dropped (OTLP reports those as partial_success). */
export interface DecodeResult {
  spans: Span[];
  /** Spans dropped by validation (bad ids). */
  rejected: number;
  /** How many spans were dropped and the first problem (with its count when there were others); '' when none were. */
  rejectMessage: string;
}
