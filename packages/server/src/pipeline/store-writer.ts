import type { Span } from '@clew/model';
import type { Store } from '@clew/storage';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { WriteAheadLog } from '../wal/wal.js';

/** Spans of one accepted request; seq is set once its log record is durable. */
export interface QueueEntry {
  readonly spans: readonly Span[];
  seq: bigint | undefined;
  dropped?: boolean;
}

export interface StoreWriterOptions {
  readonly batchSpans: number;
  readonly batchWaitMs: number;
}

const RETRY_MS = [100, 500, 1000, 2000, 5000];

/**
 * Moves accepted spans from memory into the store in large batches, recording the log position with each batch so
 * the log can be trimmed. Entries join the queue in log order, and only a prefix of durable entries is written, so
 * the recorded position never runs ahead of a record the store does not hold.
 */
export class StoreWriter {
  private queue: QueueEntry[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  /** While gathering a batch, new arrivals do not cut the wait short; only stop() does. */
  private gathering = false;

  constructor(
    private readonly store: Store,
    private readonly wal: WriteAheadLog,
    private readonly opts: StoreWriterOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly onWritten: (spans: number) => void,
  ) {}

  enqueue(spans: readonly Span[]): QueueEntry {
    const entry: QueueEntry = { spans, seq: undefined };
    this.queue.push(entry);
    return entry;
  }

  /** Forgets an entry whose log write failed (its request was refused). */
  drop(entry: QueueEntry): void {
    entry.dropped = true;
    this.onWritten(entry.spans.length);
    this.wake();
  }

  wake(): void {
    if (!this.gathering || this.stopped) this.wakeUp?.();
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  /** Writes spans straight to the store (used for replay, before the loop starts). */
  async writeNow(spans: readonly Span[], seq: bigint): Promise<void> {
    await this.write(spans, seq);
    await this.wal.releaseThrough(seq);
  }

  private async run(): Promise<void> {
    for (;;) {
      const ready = this.readySpans();
      if (ready === 0) {
        if (this.stopped && this.queue.length === 0) return;
        await this.sleep(this.stopped ? 5 : 1000);
        continue;
      }
      if (ready < this.opts.batchSpans && !this.stopped) {
        // Gather a larger batch: one big transaction costs far less than many small ones.
        this.gathering = true;
        await this.sleep(this.opts.batchWaitMs);
        this.gathering = false;
      }
      const { spans, seq, entries } = this.takeBatch();
      if (entries === 0) continue;
      await this.writeWithRetry(spans, seq);
      this.onWritten(spans.length);
      await this.wal.releaseThrough(seq);
    }
  }

  /** Spans in the durable prefix of the queue. */
  private readySpans(): number {
    let n = 0;
    for (const e of this.queue) {
      if (e.dropped) continue;
      if (e.seq === undefined) break;
      n += e.spans.length;
    }
    return n;
  }

  private takeBatch(): { spans: Span[]; seq: bigint; entries: number } {
    const spans: Span[] = [];
    let seq = 0n;
    let entries = 0;
    while (this.queue.length > 0 && spans.length < this.opts.batchSpans) {
      const e = this.queue[0]!;
      if (!e.dropped && e.seq === undefined) break;
      this.queue.shift();
      if (e.dropped) continue;
      for (const s of e.spans) spans.push(s);
      seq = e.seq!;
      entries++;
    }
    return { spans, seq, entries };
  }

  private async writeWithRetry(spans: readonly Span[], seq: bigint): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(spans, seq);
        return;
      } catch (err) {
        // The spans are safe in the log; keep trying (the queue fills and receivers push back meanwhile).
        const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
        this.log.error({ err, spans: spans.length, attempt, retryInMs: wait }, 'store write failed; retrying');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async write(spans: readonly Span[], seq: bigint): Promise<void> {
    const end = this.metrics.storeWriteSeconds.startTimer();
    await this.store.append(spans, seq);
    end();
    this.metrics.storeWrittenSpans.inc(spans.length);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
