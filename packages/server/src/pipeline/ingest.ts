import { encodeOtlpProto } from '@clew/codecs';
import type { Span, Tenant } from '@clew/model';
import type { Store } from '@clew/storage';
import type { TenantLimits } from '../auth/tenant-limits.js';
import type { Logger } from 'pino';
import { ClewError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { decodePayload } from '../receivers/decode-payload.js';
import type { PayloadFormat } from '../wal/record.js';
import { PayloadFormat as Format } from '../wal/record.js';
import type { WriteAheadLog } from '../wal/wal.js';
import type { ReceivedBatch } from './batch.js';
import type { SpanConsumer } from './consumer.js';
import type { SpanRouter } from './forward/forwarder.js';
import type { ProcessorDrop } from './processors/chain.js';
import { ProcessorChain } from './processors/chain.js';
import type { Processor } from './processors/processor.js';
import type { DeadLetters } from './dead-letters.js';
import type { LoggedSpans } from './store-writer.js';
import { StoreWriter } from './store-writer.js';
import type { TailStage } from './tail-stage.js';

/**
 * Most spans a batch of replayed records holds. They are held decoded until their batch is written (not encoded as
 * they come, as live batches are), so a store's larger batch would hold more of them at once than start-up needs.
 */
const REPLAY_BATCH_SPANS = 50_000;

/** The outcome of one request, as a value: what was accepted, refused one by one, and dropped by which processor. */
export interface IngestResult {
  /** Valid spans of the request: all of them are the client's concern no more (kept, or dropped by a processor). */
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectMessage: string;
  /** Spans processors left out on purpose (sampling, filters, limits), by processor and reason. */
  readonly dropped: readonly ProcessorDrop[];
}

export interface IngestOptions {
  readonly maxPendingSpans: number;
  readonly retryAfterSeconds: number;
  readonly batchSpans: number;
  readonly batchWaitMs: number;
  /** How long the store writer waits on for a full batch under a steady load (StoreWriterOptions). */
  readonly batchMaxWaitMs?: number;
  /** Run in order on every request before it is logged (pipeline.processors). */
  readonly processors?: readonly Processor[];
  /** Fed every span written, once, with its log position (replay included). */
  readonly consumers?: readonly SpanConsumer[];
  /** Where batches the store refuses as bad go (else the writer retries them for ever). */
  readonly deadLetters?: DeadLetters;
  /** Tail sampling between the consumers and the store (pipeline.tailSampling with policies). */
  readonly tail?: TailStage;
  /** Per-tenant limits (the `tenants` section): a tenant over its ingest rate is refused with 429. */
  readonly tenantLimits?: TenantLimits;
  /** Tail sampling across collectors: sends the spans of traces a peer owns to it (pipeline.tailSampling.peers). */
  readonly forwarder?: SpanRouter;
}

/**
 * The ingest path every receiver shares: processors → admit (bounded) → write-ahead log → consumers → acknowledge;
 * then the store writer moves spans into the store in large batches. The log holds the batch as the
 * processors left it, so nothing they removed (a redacted secret) reaches the disk; when they changed nothing it
 * holds the request's bytes as received (OTLP/JSON as the protobuf the receiver read it through), which costs no
 * encoding. A request is acknowledged only once its record is durable, so an acknowledged span survives kill -9: on
 * start the log replays what the store does not hold yet.
 */
export class IngestPipeline {
  private readonly writer: StoreWriter;
  private readonly chain: ProcessorChain;
  private pendingSpans = 0;
  private stopping = false;

  constructor(
    private readonly wal: WriteAheadLog,
    store: Store,
    private readonly opts: IngestOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.chain = new ProcessorChain(opts.processors ?? [], metrics);
    this.writer = new StoreWriter(store, wal, { ...opts, consumers: opts.consumers ?? [] }, metrics, log, (n) => {
      this.pendingSpans -= n;
      metrics.queueSpans.set(this.pendingSpans);
    });
  }

  /**
   * Writes records left in the log by an earlier run into the store (and through the consumers), before anything new
   * is accepted. Records hold processed batches, so the processors do not run again. Those at or below `storeHolds`
   * (the store's recorded position) only feed the consumers: the log kept them for a consumer that lags the store.
   */
  async replay(
    records: ReadonlyArray<{ seq: bigint; format: PayloadFormat; payload: Uint8Array; tenant: Tenant; forwarded?: boolean }>,
    storeHolds = -1n,
  ): Promise<number> {
    let batch: LoggedSpans[] = [];
    let batchSpans = 0;
    let spans = 0;
    for (const [i, r] of records.entries()) {
      let decoded: readonly Span[];
      try {
        decoded = decodePayload(r.format, r.payload).spans;
      } catch (err) {
        // The receiver decoded this record before logging it, so this means a bug or a damaged disk: say so, go on.
        this.log.error({ err, seq: r.seq }, 'skipping a write-ahead log record that no longer decodes');
        decoded = [];
      }
      batch.push({ spans: decoded, seq: r.seq, tenant: r.tenant, ...(r.forwarded === true && { forwarded: true }) });
      batchSpans += decoded.length;
      const last = i === records.length - 1;
      if (batchSpans >= Math.min(this.opts.batchSpans, REPLAY_BATCH_SPANS) || last) {
        await this.writer.writeNow(batch, storeHolds);
        spans += batchSpans;
        batch = [];
        batchSpans = 0;
      }
    }
    return spans;
  }

  start(): void {
    this.writer.start();
  }

  /**
   * Accepts one decoded request. Resolves when what the processors kept of it is durable; throws a ClewError when the
   * whole request is refused (pipeline full, shutting down, the log failing). Spans that failed validation are
   * reported, not thrown.
   */
  async ingest(batch: ReceivedBatch): Promise<IngestResult> {
    const { protocol, tenant } = batch;
    const n = batch.spans.length;
    this.metrics.spansReceived.inc({ protocol }, n + batch.rejected);
    if (batch.rejected > 0) this.metrics.spansRefused.inc({ protocol, reason: 'invalid' }, batch.rejected);
    if (n === 0) return { accepted: 0, rejected: batch.rejected, rejectMessage: batch.rejectMessage, dropped: [] };
    if (this.stopping) {
      this.metrics.spansRefused.inc({ protocol, reason: 'shutting_down' }, n);
      throw new ClewError('SHUTTING_DOWN', 'Clew is shutting down; retry against another instance or later', {
        retryAfterSeconds: this.opts.retryAfterSeconds,
      });
    }
    const forwarded = batch.forwarded === true;
    // The tenant's own rate first: a tenant over it is refused without taking room from the others. Forwarded spans
    // were admitted where they were received.
    try {
      if (!forwarded) this.opts.tenantLimits?.admitSpans(tenant, n);
    } catch (err) {
      this.metrics.spansRefused.inc({ protocol, reason: 'rate_limited' }, n);
      throw err;
    }
    // Admitted on the received count: what the processors keep is never more, and the check is before their work.
    if (this.pendingSpans + n > this.opts.maxPendingSpans) {
      this.metrics.spansRefused.inc({ protocol, reason: 'pipeline_full' }, n);
      throw new ClewError(
        'PIPELINE_FULL',
        `ingest queue full (${this.pendingSpans} of ${this.opts.maxPendingSpans} spans waiting for the store); ` +
          'retry after the delay given, or raise limits.maxPendingSpans',
        { retryAfterSeconds: this.opts.retryAfterSeconds },
      );
    }
    // Forwarded spans went through the processors and the per-trace limit where they were received.
    const processed = forwarded ? { spans: batch.spans, changed: false, dropped: [] } : this.chain.run(batch.spans);
    const limited =
      forwarded || this.opts.tenantLimits === undefined
        ? { spans: processed.spans, refused: 0, message: '' }
        : this.opts.tenantLimits.limitTraceSpans(tenant, processed.spans);
    const result =
      limited.refused === 0
        ? { accepted: n, rejected: batch.rejected, rejectMessage: batch.rejectMessage, dropped: processed.dropped }
        : {
            accepted: n - limited.refused,
            rejected: batch.rejected + limited.refused,
            rejectMessage: [batch.rejectMessage, limited.message].filter((m) => m !== '').join('; '),
            dropped: processed.dropped,
          };
    if (limited.refused > 0) this.metrics.spansRefused.inc({ protocol, reason: 'trace_too_large' }, limited.refused);
    const kept = limited.spans;
    if (kept.length === 0) return result;
    const record = this.recordOf(processed.changed || limited.refused > 0 ? undefined : batch.wire, kept);
    this.pendingSpans += kept.length;
    this.metrics.queueSpans.set(this.pendingSpans);
    const entry = this.writer.enqueue(kept, tenant, forwarded);
    const timer = this.metrics.walSyncSeconds.startTimer();
    try {
      entry.seq = await this.wal.append(record.format, record.payload, tenant, forwarded);
    } catch (err) {
      this.writer.drop(entry);
      this.metrics.spansRefused.inc({ protocol, reason: 'write_failed' }, n);
      throw new ClewError('WRITE_FAILED', 'could not make the spans durable; retry later', {
        retryAfterSeconds: this.opts.retryAfterSeconds,
        cause: err,
      });
    } finally {
      timer();
    }
    this.writer.wake();
    if (!forwarded) this.metrics.tenantSpansAccepted.inc({ tenant }, result.accepted);
    return result;
  }

  /** What the log keeps: the received bytes when they still say exactly what is kept, else the kept spans re-encoded. */
  private recordOf(wire: ReceivedBatch['wire'], kept: readonly Span[]): { format: PayloadFormat; payload: Uint8Array } {
    if (wire !== undefined) {
      this.metrics.walRecords.inc({ payload: 'received' });
      return wire;
    }
    const end = this.metrics.walReencodeSeconds.startTimer();
    const payload = encodeOtlpProto(kept);
    end();
    this.metrics.walRecords.inc({ payload: 'reencoded' });
    return { format: Format.OTLP_PROTO, payload };
  }

  /** Stops admitting requests and writes everything accepted to the store. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.writer.stop();
  }
}
