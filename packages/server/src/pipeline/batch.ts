import type { Span, Tenant } from '@clew/model';
import type { PayloadFormat } from '../wal/record.js';

/**
 * What a receiver hands the pipeline: the spans it decoded from one request, and those it refused one by one (an
 * all-zero trace id, say). Nothing past the receiver reads the wire format; `wire` is the request's bytes, kept only
 * so that the write-ahead log can store them as they came when no processor changes a span (the fast path).
 */
export interface ReceivedBatch {
  /** The receiving protocol, as metrics label it (`otlp_http`, `zipkin`, …). */
  readonly protocol: string;
  /** Whose spans these are (the request's token's tenant; DEFAULT_TENANT without auth). */
  readonly tenant: Tenant;
  readonly spans: readonly Span[];
  readonly rejected: number;
  readonly rejectMessage: string;
  readonly wire?: { readonly format: PayloadFormat; readonly payload: Uint8Array };
  /**
   * A peer forwarded these spans here, their trace's owner (tail sampling across collectors): they were processed,
   * admitted and counted where they were received, so they skip the processors, the tenant's limits and the
   * consumers here, and are never forwarded again.
   */
  readonly forwarded?: boolean;
}
