import type { Span, Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { EncodingBatch, Store, TenantRun } from '@clew/storage';
import { StoreError } from '@clew/storage';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { WriteAheadLog } from '../wal/wal.js';
import type { SpanConsumer } from './consumer.js';
import type { DeadLetters } from './dead-letters.js';
import type { SpanRouter } from './forward/forwarder.js';
import type { SamplerOutput } from './tail/tail-sampler.js';
import { pause, readBack, retryDelay, RETRY_MS } from './log-read-back.js';
import type { TailStage } from './tail-stage.js';
import { runsBetween, TenantSpans } from './tenant-runs.js';

/** Spans of one accepted request; seq is set once its log record is durable. */
export interface QueueEntry {
  /** Let go (empty) once encoded into the store writer's open batch: `count` says how many there were. */
  spans: readonly Span[];
  readonly count: number;
  readonly tenant: Tenant;
  /** A peer forwarded them here, their trace's owner. */
  readonly forwarded: boolean;
  seq: bigint | undefined;
  dropped?: boolean;
}

/**
 * The batch the writer encodes durable records into as they come (a store with openBatch, no tail sampling, no
 * peers): its records' spans are let go once encoded, so that the queue does not keep them alive (kept, they lived
 * through the young generation's collections, and a Clew's spans were nearly all copied and promoted).
 */
interface OpenBatch {
  /** Undefined once given up (a span it could not encode): its records are read back from the log when taken. */
  encoding: EncodingBatch | undefined;
  spans: number;
}

const NO_SPANS: readonly Span[] = Object.freeze([]);

/** The spans of one log record, with its position. */
export interface LoggedSpans {
  readonly spans: readonly Span[];
  readonly seq: bigint;
  readonly tenant: Tenant;
  /** A peer forwarded them here: counted where they were received, never forwarded again. */
  readonly forwarded?: boolean;
}

export interface StoreWriterOptions {
  readonly batchSpans: number;
  /** How long the writer waits for more spans when fewer than batchSpans are ready. */
  readonly batchWaitMs: number;
  /**
   * How long, at most, it waits on for a full batch while spans keep coming fast enough to fill one by then (see
   * gather), when the store encodes a batch as it gathers (openBatch, without tail sampling or peers). Undefined:
   * batchWaitMs, once.
   */
  readonly batchMaxWaitMs?: number;
  /** Fed each record once, in log order, with its position, as soon as it is durable (before it is written). */
  readonly consumers: readonly SpanConsumer[];
  /** Where spans the store refuses as bad go; without it such a batch is retried like any other failure. */
  readonly deadLetters?: DeadLetters;
  /** Waits between retries of a failed write, the last repeating; tests shorten them. */
  readonly retryMs?: readonly number[];
  /** Tail sampling between the consumers and the store: it holds traces and says what to write, and how far the log may go. */
  readonly tail?: TailStage;
  /**
   * Tail sampling across collectors: after the consumers, the spans of traces a peer owns go to it, and the writer
   * waits for its acknowledgement before it records (and releases the log through) their position.
   */
  readonly forwarder?: SpanRouter;
}

/** The most spans a batch holds when neither `storage.batchSpans` nor the store (Store.batchSpans) says. */
export const DEFAULT_BATCH_SPANS = 50_000;

/**
 * Whether the writer encodes a batch into the store as its records come (OpenBatch): a store with openBatch, without
 * tail sampling or peers. Only then does it take the store's own batch size and wait on for whole batches: elsewhere a
 * batch's spans are held until it is written.
 */
export function encodesAsItGathers(store: Store, opts: Pick<StoreWriterOptions, 'tail' | 'forwarder'>): boolean {
  return store.openBatch !== undefined && opts.tail === undefined && opts.forwarder === undefined;
}

/**
 * The default of `limits.maxPendingSpans` for batches of `batchSpans`: a full batch being written and the next one
 * gathered are both pending, and a third for the requests in between; at least 200,000.
 */
export function pendingLimit(batchSpans: number): number {
  return Math.max(200_000, 3 * batchSpans);
}

/** Whether a failed write may succeed on another try: a StoreError says; anything else is not known to be final. */
const retryable = (err: unknown): boolean => !(err instanceof StoreError) || err.retryable;

/**
 * Moves accepted spans from memory into the store in large batches, recording the log position with each batch so
 * the log can be trimmed. Entries join the queue in log order, and only a prefix of durable entries is written, so
 * the recorded position never runs ahead of a record the store does not hold. Each record goes through the consumers
 * once, as soon as it is durable (see wake). A failed write is retried with backoff while the store says a retry can
 * help (the spans are safe in the log meanwhile, and receivers push back once the queue is full); a batch the store
 * refuses as bad is split until the refused spans are found, and those go to the dead letters instead of blocking the
 * writer.
 */
export class StoreWriter {
  private queue: QueueEntry[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  /** While gathering a batch, new arrivals do not cut the wait short; only stop() does. */
  private gathering = false;
  /** Whether durable records are encoded into `open` as they come (see OpenBatch). */
  private readonly early: boolean;
  private open: OpenBatch | undefined;
  /** How many entries at the head of the queue are in `open` (encoded, or dropped). */
  private inOpen = 0;

  constructor(
    private readonly store: Store,
    private readonly wal: WriteAheadLog,
    private readonly opts: StoreWriterOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly onWritten: (spans: number) => void,
  ) {
    this.early = encodesAsItGathers(store, opts);
  }

  enqueue(spans: readonly Span[], tenant: Tenant, forwarded = false): QueueEntry {
    const entry: QueueEntry = { spans, count: spans.length, tenant, forwarded, seq: undefined };
    this.queue.push(entry);
    return entry;
  }

  /** Forgets an entry whose log write failed (its request was refused). */
  drop(entry: QueueEntry): void {
    entry.dropped = true;
    this.onWritten(entry.count);
    this.wake();
  }

  /**
   * Says that records are durable (or dropped): the durable prefix of the queue goes through the consumers now, and
   * the loop wakes to write it. Feeding here rather than with the store's large batch reads each span while it is
   * still in the processor's cache from decoding: counting a batch of 50,000 spans read them all back from memory
   * (span metrics' push took 863 ns a span that way, against 590 ns right after decoding).
   */
  wake(): void {
    this.feedDurable();
    if (!this.gathering || this.stopped) this.wakeUp?.();
  }

  /** Feeds the consumers the durable entries at the head of the queue that they have not seen, in log order. */
  private feedDurable(): void {
    const records: LoggedSpans[] = [];
    while (this.fed < this.queue.length) {
      const e = this.queue[this.fed]!;
      if (!e.dropped && e.seq === undefined) break;
      this.fed++;
      if (!e.dropped) records.push({ spans: e.spans, seq: e.seq!, tenant: e.tenant, ...(e.forwarded && { forwarded: true }) });
    }
    if (records.length > 0) this.feedRuns(records);
    if (this.early) this.encodeFed();
  }

  /**
   * Encodes the entries that went through the consumers into the open batch, in queue order, up to batchSpans, and
   * lets their spans go. The rest wait, as spans, for the next batch (opened when this one is taken).
   */
  private encodeFed(): void {
    if (this.readingBack) return;
    while (this.inOpen < this.fed) {
      const e = this.queue[this.inOpen]!;
      if (!e.dropped) {
        // Undefined when the store cannot now (the partition of now not attached yet; the store attaches it meanwhile).
        const encoding = this.open === undefined ? this.openBatch() : this.open.encoding;
        if (encoding === undefined || (this.open !== undefined && this.open.spans >= this.opts.batchSpans)) return;
        const open = (this.open ??= { encoding, spans: 0 });
        try {
          encoding.add(e.spans, e.tenant);
        } catch (err) {
          // Given up by the store: the entry goes with the batch, its spans kept, and what the batch held is read back
          // from the log when taken, then written as any batch is (a span the store refuses is found and dead-lettered).
          this.log.warn({ err, spans: open.spans + e.count }, 'encoding a batch for the store failed; its spans will be read back from the write-ahead log');
          open.encoding = undefined;
          open.spans += e.count;
          this.inOpen++;
          return;
        }
        open.spans += e.count;
        e.spans = NO_SPANS;
      }
      this.inOpen++;
    }
  }
  /** How many entries at the head of the queue went through the consumers. */
  private fed = 0;

  /**
   * A new batch from the store, or undefined. Called on the request's path (wake), after its record is durable: a
   * throw there would refuse a request already logged, which its client would send again, so it is said and taken as
   * "not now" (the batch is appended as spans).
   */
  private openBatch(): EncodingBatch | undefined {
    try {
      return this.store.openBatch!();
    } catch (err) {
      this.log.error({ err }, 'the store could not open a batch; its spans are appended as they are');
      return undefined;
    }
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  /**
   * Writes replayed records' spans, in log order, through the consumers first (before the loop starts). Records at or
   * below `storeHolds` are in the store already and were kept in the log only for a consumer that had not written
   * its counts: they go to the consumers alone (each skips what it has counted).
   */
  async writeNow(records: readonly LoggedSpans[], storeHolds = -1n): Promise<void> {
    if (records.length === 0) return;
    const seq = records[records.length - 1]!.seq;
    // Record by record: a consumer may have counted through any record of this batch, and skips by position.
    for (const r of records) this.feedConsumers(r.forwarded ? [] : r.spans, r.seq, r.tenant);
    const toStore = records.filter((r) => r.seq > storeHolds);
    if (toStore.length === 0) return;
    await this.pass(toStore, seq, true);
  }

  /** Releases the log through `position`, but no further than any consumer's durable state. */
  private async releaseLog(position: bigint): Promise<void> {
    let through = position;
    for (const c of this.opts.consumers) {
      const d = c.durableThrough?.();
      if (d !== undefined && d < through) through = d;
    }
    await this.wal.releaseThrough(through);
  }

  /**
   * Hands a batch on: straight to the store with its last record's position, or through tail sampling record by
   * record (each held trace must know the first record it came from), which writes what it keeps with the position
   * before the oldest undecided record, and nothing past it, so a restart replays every held trace.
   */
  private async pass(all: readonly LoggedSpans[], seq: bigint, replayed: boolean): Promise<void> {
    const records = this.opts.forwarder === undefined ? all : await this.forward(all, this.opts.forwarder);
    const tail = this.opts.tail;
    if (tail === undefined) {
      const batch = new TenantSpans();
      for (const r of records) batch.add(r.tenant, r.spans);
      await this.writeWithRetry(batch.spans, seq, batch.runs);
      await this.releaseLog(seq);
      return;
    }
    const kept = records.flatMap((r) => tail.add(r.spans, r.seq, replayed, r.tenant).kept);
    await this.writeKept({ kept, dropped: [] });
  }

  /**
   * The records with only the spans to keep here: the others went to their traces' owners, who acknowledged them
   * (one routing per tenant for the whole batch; records a peer forwarded here stay whole).
   */
  private async forward(records: readonly LoggedSpans[], forwarder: SpanRouter): Promise<LoggedSpans[]> {
    const byTenant = new Map<Tenant, Span[]>();
    for (const r of records) {
      if (r.forwarded) continue;
      const list = byTenant.get(r.tenant);
      if (list === undefined) byTenant.set(r.tenant, [...r.spans]);
      else for (const s of r.spans) list.push(s);
    }
    const keep = new Set<Span>();
    await Promise.all(
      [...byTenant].map(async ([tenant, spans]) => {
        for (const s of await forwarder.route(tenant, spans)) keep.add(s);
      }),
    );
    return records.map((r) => (r.forwarded ? r : { ...r, spans: r.spans.filter((s) => keep.has(s)) }));
  }

  /** Position last recorded with a tail sampling write. */
  private recorded = -1n;

  /** Writes what tail sampling kept, with the position up to which every record is decided, and releases the log to it. */
  private async writeKept(out: SamplerOutput): Promise<void> {
    const tail = this.opts.tail!;
    const { spans, runs } = await tail.spansToStore(out.kept);
    const position = tail.safePosition();
    if (spans.length === 0 && position <= this.recorded) return;
    // An empty write still records the position: a stretch of dropped traffic must release the log too.
    await this.writeWithRetry(spans, position, runs);
    this.recorded = position;
    await this.releaseLog(position);
  }

  private async run(): Promise<void> {
    for (;;) {
      // Traces whose decision wait is over, every turn (at least once a second, the idle sleep).
      if (this.opts.tail !== undefined) await this.writeKept(this.opts.tail.due());
      const ready = this.readySpans();
      if (ready === 0) {
        this.shedDropped();
        // Held traces stay in the log on a stop: the next start replays them with their whole wait.
        if (this.stopped && this.queue.length === 0) return;
        await this.sleep(this.stopped ? 5 : 1000);
        continue;
      }
      if (ready < this.opts.batchSpans && !this.stopped) {
        // Gather a larger batch: one big transaction costs far less than many small ones.
        this.gathering = true;
        await this.gather(ready);
        this.gathering = false;
      }
      const { spans, seq, records, open } = this.takeBatch();
      if (records.length === 0) continue;
      if (open !== undefined) await this.writeOpen(open, records, seq, spans);
      else await this.pass(records, seq, false);
      // Held by tail sampling or written: either way out of the queue (tail sampling bounds what it holds itself).
      this.onWritten(spans);
    }
  }

  /**
   * Waits batchWait for more spans, then on, a batchWait at a time, while they come fast enough to fill a batch within
   * batchMaxWait (at the rate of the last step) and until they do. Under a steady load of at least batchSpans per
   * batchMaxWait, each batch is a full one; below it, the writer waits batchWait, so spans are searchable as soon as
   * before. DuckDB writes a transaction of a whole row group into its file compressed at commit; a smaller one goes
   * row by row to its own log first, and is compressed at its checkpoint: a Clew wrote a third more bytes that way,
   * for about the same CPU while the store's checkpoints still merged row groups (bench/README.md, 2026-12-07, late
   * night; they merge none since 2026-12-08).
   */
  private async gather(ready: number): Promise<void> {
    const { batchSpans, batchWaitMs } = this.opts;
    // Only while the batch is encoded as it gathers (`early`): spans held until their batch is written live through
    // the young generation's collections, and holding more of them for longer costs more than it saves.
    const maxWaitMs = this.early ? (this.opts.batchMaxWaitMs ?? batchWaitMs) : batchWaitMs;
    let before = ready;
    for (let waited = batchWaitMs; ; waited += batchWaitMs) {
      await this.sleep(batchWaitMs);
      const now = this.readySpans();
      const stepsLeft = batchWaitMs > 0 ? Math.floor((maxWaitMs - waited) / batchWaitMs) : 0;
      if (this.stopped || now >= batchSpans || (now - before) * stepsLeft < batchSpans - now) return;
      before = now;
    }
  }

  /** Drops the entries at the head of the queue whose log write failed: with nothing durable after them, none is taken. */
  private shedDropped(): void {
    // drop() fed it (wake): it is in `fed`, and in `inOpen` once the open batch went past it.
    while (this.fed > 0 && this.queue[0]?.dropped === true) {
      this.queue.shift();
      this.fed--;
      if (this.inOpen > 0) this.inOpen--;
    }
  }

  /** Spans in the durable prefix of the queue. */
  private readySpans(): number {
    let n = 0;
    for (const e of this.queue) {
      if (e.dropped) continue;
      if (e.seq === undefined) break;
      n += e.count;
    }
    return n;
  }

  /**
   * The durable records at the head of the queue: those of the open batch when there is one (their spans let go),
   * else up to batchSpans spans; `spans` is how many they hold.
   */
  private takeBatch(): { spans: number; seq: bigint; records: LoggedSpans[]; open?: OpenBatch } {
    // Whatever is taken has been through the consumers (wake feeds them; this covers a wake that has not come yet).
    this.feedDurable();
    const open = this.open;
    let entries = open === undefined ? Infinity : this.inOpen;
    this.open = undefined;
    let spans = 0;
    const records: LoggedSpans[] = [];
    let seq = 0n;
    while (this.queue.length > 0 && entries > 0 && (open !== undefined || spans < this.opts.batchSpans)) {
      const e = this.queue[0]!;
      if (!e.dropped && e.seq === undefined) break;
      this.queue.shift();
      this.fed--;
      entries--;
      if (this.inOpen > 0) this.inOpen--;
      if (e.dropped) continue;
      spans += e.count;
      seq = e.seq!;
      records.push({ spans: e.spans, seq, tenant: e.tenant, ...(e.forwarded && { forwarded: true }) });
    }
    return { spans, seq, records, ...(open !== undefined && { open }) };
  }

  /**
   * Appends the open batch taken with `records`, with their last position, while the next is encoded. When it fails
   * (or was given up while encoding), its spans are read back from the log, which holds them until the store does,
   * and written as any batch is (retried, or split to find the spans the store refuses).
   */
  private async writeOpen(open: OpenBatch, records: readonly LoggedSpans[], seq: bigint, spans: number): Promise<void> {
    if (open.encoding !== undefined) {
      const appended = open.encoding.append(seq);
      // The next batch is encoded while this one commits (it opens past this one's rows: see DuckDBStore.openBatch).
      this.encodeFed();
      // The commit's time (this batch's encoding was spread over its records' arrival).
      const end = this.metrics.storeWriteSeconds.startTimer();
      try {
        await appended;
        end();
        this.metrics.storeWrittenSpans.inc(spans);
        await this.releaseLog(seq);
        return;
      } catch (err) {
        this.log.error({ err, spans }, 'store write failed; its spans are read back from the write-ahead log and written again');
        // The batch opened meanwhile is given up too (read back when taken): encoded beside the writes below, it
        // could find its block filled by them.
        if (this.open?.encoding !== undefined) {
          this.open.encoding.abandon();
          this.open.encoding = undefined;
        }
      }
    }
    this.readingBack = true;
    try {
      const batch = await readBack(this.wal, records, this.opts.retryMs ?? RETRY_MS, this.log);
      await this.writeWithRetry(batch.spans, seq, batch.runs);
      await this.releaseLog(seq);
    } finally {
      this.readingBack = false;
    }
    this.encodeFed();
  }
  /** While a batch read back from the log is written, no batch is opened beside it (see writeOpen). */
  private readingBack = false;

  /**
   * Feeds a batch to the consumers, one push per run of records of one tenant (a single push when all are one's).
   * Spans a peer forwarded here were counted where they were received: their records move the position alone.
   */
  private feedRuns(records: readonly LoggedSpans[]): void {
    let from = 0;
    for (let i = 1; i <= records.length; i++) {
      if (i < records.length && records[i]!.tenant === records[from]!.tenant) continue;
      let spans: readonly Span[];
      if (i - from === 1) spans = records[from]!.forwarded ? [] : records[from]!.spans;
      else {
        // A loop, not flatMap: flatMap's generic path was about 2% of a collector's CPU in profiles.
        const all: Span[] = [];
        for (let k = from; k < i; k++) if (!records[k]!.forwarded) for (const s of records[k]!.spans) all.push(s);
        spans = all;
      }
      this.feedConsumers(spans, records[i - 1]!.seq, records[from]!.tenant);
      from = i;
    }
  }

  private feedConsumers(spans: readonly Span[], seq: bigint, tenant: Tenant): void {
    for (const c of this.opts.consumers) {
      const end = this.metrics.consumerSeconds.startTimer({ consumer: c.name });
      try {
        c.push(spans, seq, tenant);
      } catch (err) {
        // A consumer's bug must not stop spans reaching the store.
        this.log.error({ err, consumer: c.name, spans: spans.length }, 'a span consumer failed on a batch');
      } finally {
        end();
      }
    }
  }

  /** Writes a batch, retrying what may succeed later, and dead-lettering what the store refuses as bad. */
  private async writeWithRetry(spans: readonly Span[], seq: bigint | undefined, runs: readonly TenantRun[]): Promise<void> {
    const waits = this.opts.retryMs ?? RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(spans, seq, runs);
        return;
      } catch (err) {
        if (!retryable(err) && this.opts.deadLetters !== undefined) return this.isolateRefused(spans, seq, runs, err as StoreError);
        // The spans are safe in the log; keep trying (the queue fills and receivers push back meanwhile).
        const wait = retryDelay(waits, attempt);
        this.log.error({ err, spans: spans.length, attempt, retryInMs: wait }, 'store write failed; retrying');
        await pause(wait);
      }
    }
  }

  /**
   * Finds the spans of a refused batch the store will not take, by halves: each half is written on its own (the log
   * position with the last), and a single refused span goes to the dead letters with the store's reason. The
   * position is still recorded when the last span is refused, so the log is released past it.
   */
  private async isolateRefused(spans: readonly Span[], seq: bigint | undefined, runs: readonly TenantRun[], err: StoreError): Promise<void> {
    if (spans.length <= 1) {
      await this.opts.deadLetters!.write(spans, seq ?? 0n, err.message, runs[0]?.tenant ?? DEFAULT_TENANT);
      if (seq !== undefined) await this.writeWithRetry([], seq, []);
      return;
    }
    const half = Math.ceil(spans.length / 2);
    await this.writeWithRetry(spans.slice(0, half), undefined, runsBetween(runs, 0, half));
    await this.writeWithRetry(spans.slice(half), seq, runsBetween(runs, half, spans.length));
  }

  private async write(spans: readonly Span[], seq: bigint | undefined, runs: readonly TenantRun[]): Promise<void> {
    const end = this.metrics.storeWriteSeconds.startTimer();
    await this.store.append(spans, seq, runs);
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
