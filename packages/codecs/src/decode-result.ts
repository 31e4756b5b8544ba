import type { Span } from '@clew/model';

/** What a decoder returns: the valid spans, and how many it dropped (OTLP reports those as partial_success). */
export interface DecodeResult {
  spans: Span[];
  /** Spans dropped by validation (bad ids). */
  rejected: number;
  /** The first problem and how many spans were dropped; '' when none were. */
  rejectMessage: string;
}
