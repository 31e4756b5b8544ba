import type { Span } from '@clew/model';
import type { Store } from '@clew/storage';
import type { Logger } from 'pino';
import { ClewError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { PayloadFormat } from '../wal/record.js';
import type { WriteAheadLog } from '../wal/wal.js';
import { decodePayload } from './decode-payload.js';
import { StoreWriter } from './store-writer.js';

export interface IngestResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectMessage: string;
}

export interface IngestOptions {
  readonly maxPendingSpans: number;
  readonly retryAfterSeconds: number;
  readonly batchSpans: number;
  readonly batchWaitMs: number;
  /** Told of the spans of every accepted request (after it is durable); must be cheap, it runs on the ingest path. */
  readonly onAccepted?: (spans: readonly Span[]) => void;
}

/**
 * The ingest path every receiver shares: decode → admit (bounded) → write-ahead log → acknowledge, then the store
 * writer moves spans into the store in large batches. A request is acknowledged only once its record is durable,
 * so an acknowledged span survives kill -9: on start the log replays what the store does not hold yet.
 */
export class IngestPipeline {
  private readonly writer: StoreWriter;
  private pendingSpans = 0;
  private stopping = false;

  constructor(
    private readonly wal: WriteAheadLog,
    store: Store,
    private readonly opts: IngestOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.writer = new StoreWriter(store, wal, opts, metrics, log, (n) => {
      this.pendingSpans -= n;
      metrics.queueSpans.set(this.pendingSpans);
    });
  }

  /** Writes records left in the log by an earlier run into the store, before anything new is accepted. */
  async replay(records: ReadonlyArray<{ seq: bigint; format: PayloadFormat; payload: Uint8Array }>): Promise<number> {
    let batch: Span[] = [];
    let spans = 0;
    for (const [i, r] of records.entries()) {
      let decoded: Span[];
      try {
        decoded = decodePayload(r.format, r.payload).spans;
      } catch (err) {
        // The receiver decoded this record before logging it, so this means a bug or a damaged disk: say so, go on.
        this.log.error({ err, seq: r.seq }, 'skipping a write-ahead log record that no longer decodes');
        decoded = [];
      }
      batch.push(...decoded);
      const last = i === records.length - 1;
      if (batch.length >= this.opts.batchSpans || last) {
        await this.writer.writeNow(batch, r.seq);
        spans += batch.length;
        batch = [];
      }
    }
    return spans;
  }

  start(): void {
    this.writer.start();
  }

  /**
   * Accepts one export request. Resolves when its spans are durable; throws a ClewError when the whole request is
   * refused (malformed, pipeline full, shutting down). Spans that fail validation are reported, not thrown.
   */
  async ingest(protocol: string, format: PayloadFormat, payload: Uint8Array): Promise<IngestResult> {
    const decoded = decodePayload(format, payload);
    const n = decoded.spans.length;
    this.metrics.spansReceived.inc({ protocol }, n + decoded.rejected);
    if (decoded.rejected > 0) this.metrics.spansRefused.inc({ protocol, reason: 'invalid' }, decoded.rejected);
    const result = { accepted: n, rejected: decoded.rejected, rejectMessage: decoded.rejectMessage };
    if (n === 0) return result;
    if (this.stopping) {
      this.metrics.spansRefused.inc({ protocol, reason: 'shutting_down' }, n);
      throw new ClewError('SHUTTING_DOWN', 'Clew is shutting down; retry against another instance or later', {
        retryAfterSeconds: this.opts.retryAfterSeconds,
      });
    }
    if (this.pendingSpans + n > this.opts.maxPendingSpans) {
      this.metrics.spansRefused.inc({ protocol, reason: 'pipeline_full' }, n);
      throw new ClewError(
        'PIPELINE_FULL',
        `ingest queue full (${this.pendingSpans} of ${this.opts.maxPendingSpans} spans waiting for the store); ` +
          'retry after the delay given, or raise limits.maxPendingSpans',
        { retryAfterSeconds: this.opts.retryAfterSeconds },
      );
    }
    this.pendingSpans += n;
    this.metrics.queueSpans.set(this.pendingSpans);
    const entry = this.writer.enqueue(decoded.spans);
    const timer = this.metrics.walSyncSeconds.startTimer();
    try {
      entry.seq = await this.wal.append(format, payload);
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
    this.opts.onAccepted?.(decoded.spans);
    return result;
  }

  /** Stops admitting requests and writes everything accepted to the store. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.writer.stop();
  }
}
