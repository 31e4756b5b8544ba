import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import type { EncodingBatch, Store, TenantRun } from '@clew/storage';
import { StoreError } from '@clew/storage';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.js';
import { PayloadFormat } from '../wal/record.js';
import { WriteAheadLog } from '../wal/wal.js';
import type { SpanConsumer } from './consumer.js';
import { DeadLetters } from './dead-letters.js';
import type { SpanRouter } from './forward/forwarder.js';
import type { StoreWriterOptions } from './store-writer.js';
import { StoreWriter } from './store-writer.js';

/**
 * A store that records its appends and fails as told: the fault (a refused or failing write) is what these tests are
 * about and cannot be caused in DuckDB on demand; the real store's own failures are covered by its conformance suite.
 */
class RecordingStore {
  readonly appends: Array<{ names: string[]; wal: bigint | undefined; runs?: readonly TenantRun[] }> = [];
  /** Failures to throw before succeeding, in order. */
  failures: StoreError[] = [];
  /** Spans with this name make any batch holding them fail as bad. */
  poison: string | undefined;

  async append(spans: readonly Span[], wal?: bigint, runs?: readonly TenantRun[]): Promise<void> {
    const next = this.failures.shift();
    if (next) throw next;
    if (this.poison !== undefined && spans.some((s) => s.name === this.poison)) throw new StoreError(`Conversion Error: cannot store ${this.poison}`, false);
    this.appends.push({ names: spans.map((s) => s.name), wal, ...(runs !== undefined && runs.some((r) => r.tenant !== DEFAULT_TENANT) && { runs }) });
  }

  get written(): string[] {
    return this.appends.flatMap((a) => a.names);
  }
}

/** A RecordingStore that encodes a batch as it gathers (openBatch), as the DuckDB store does: what it adds it appends. */
class EncodingRecordingStore extends RecordingStore {
  openBatch(): EncodingBatch {
    const names: string[] = [];
    return {
      add: (spans) => void names.push(...spans.map((s) => s.name)),
      append: async (wal) => void this.appends.push({ names, wal }),
      abandon: () => undefined,
    };
  }
}

const named = (...names: string[]) => names.map((name) => makeSpan({ name }));

describe('StoreWriter', () => {
  let dir: string;
  let wal: WriteAheadLog;
  let store: RecordingStore;
  let pushed: Array<{ names: string[]; seq: bigint; tenant: string }>;
  let written: number;
  const metrics = createMetrics();
  const log = pino({ level: 'silent' });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-writer-'));
    wal = (await WriteAheadLog.open({ dir: join(dir, 'wal') }, 0n)).wal;
    store = new RecordingStore();
    pushed = [];
    written = 0;
  });
  afterEach(async () => {
    await wal.close();
    await rm(dir, { recursive: true, force: true });
  });

  const consumer: SpanConsumer = { name: 'recorder', push: (spans, seq, tenant) => pushed.push({ names: spans.map((s) => s.name), seq, tenant }) };
  const writerWith = (opts: Partial<StoreWriterOptions> = {}) =>
    new StoreWriter(store as unknown as Store, wal, { batchSpans: 100, batchWaitMs: 1, consumers: [consumer], retryMs: [1], ...opts }, metrics, log, (n) => (written += n));

  /** Enqueues spans as one request and logs it, as the pipeline does. */
  async function accept(writer: StoreWriter, spans: Span[], tenant = DEFAULT_TENANT) {
    const entry = writer.enqueue(spans, tenant);
    entry.seq = await wal.append(PayloadFormat.OTLP_PROTO, new Uint8Array([1]), tenant);
    writer.wake();
    return entry;
  }

  it('writes requests in log order, each batch through the consumers first, with its log position', async () => {
    const writer = writerWith();
    writer.start();
    await accept(writer, named('a', 'b'));
    await accept(writer, named('c'));
    await writer.stop();
    expect(store.written).toEqual(['a', 'b', 'c']);
    expect(pushed.flatMap((p) => p.names)).toEqual(['a', 'b', 'c']);
    expect(store.appends.at(-1)!.wal).toBe(2n);
    expect(pushed.at(-1)!.seq).toBe(2n);
    expect(written).toBe(3);
  });

  it("writes several tenants' records in one append with their runs, feeding the consumers each record as it is durable", async () => {
    const writer = writerWith({ batchWaitMs: 50 });
    await accept(writer, named('a1'), 'a');
    await accept(writer, named('a2', 'a3'), 'a');
    await accept(writer, named('b1'), 'b');
    await accept(writer, named('d1'));
    writer.start();
    await writer.stop();
    expect(store.appends).toEqual([
      {
        names: ['a1', 'a2', 'a3', 'b1', 'd1'],
        wal: 4n,
        runs: [
          { tenant: 'a', spans: 3 },
          { tenant: 'b', spans: 1 },
          { tenant: DEFAULT_TENANT, spans: 1 },
        ],
      },
    ]);
    expect(pushed).toEqual([
      { names: ['a1'], seq: 1n, tenant: 'a' },
      { names: ['a2', 'a3'], seq: 2n, tenant: 'a' },
      { names: ['b1'], seq: 3n, tenant: 'b' },
      { names: ['d1'], seq: 4n, tenant: DEFAULT_TENANT },
    ]);
  });

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** 200 spans named s0…s199, 10 a request every 20 ms: many requests in each wait, a batch of 100 long before 60 s. */
  async function steadyStream(writer: StoreWriter) {
    for (let i = 0; i < 20; i++) {
      await accept(writer, named(...Array.from({ length: 10 }, (_, j) => `s${i * 10 + j}`)));
      await pause(20);
    }
  }

  it('waits for a full batch while spans come fast enough to fill one within batchMaxWait, into a store that encodes it as it gathers', async () => {
    store = new EncodingRecordingStore();
    const writer = writerWith({ batchSpans: 100, batchWaitMs: 300, batchMaxWaitMs: 60_000 });
    writer.start();
    await steadyStream(writer);
    await writer.stop();
    expect(store.appends.map((a) => a.names.length)).toEqual([100, 100]);
    expect(store.written).toEqual(Array.from({ length: 200 }, (_, i) => `s${i}`));
  });

  it('waits batchWait only for a store that is handed the spans at its append (holding them longer costs more)', async () => {
    // A batch far larger than what comes: waiting on for it, the writer would append the 200 spans together.
    const writer = writerWith({ batchSpans: 1000, batchWaitMs: 150, batchMaxWaitMs: 60_000 });
    writer.start();
    await steadyStream(writer);
    await writer.stop();
    expect(store.appends.length).toBeGreaterThan(1);
    expect(store.written).toEqual(Array.from({ length: 200 }, (_, i) => `s${i}`));
  });

  it('writes after batchWait when spans come too slowly to fill a batch within batchMaxWait', async () => {
    store = new EncodingRecordingStore();
    const writer = writerWith({ batchSpans: 100, batchWaitMs: 30, batchMaxWaitMs: 60_000 });
    writer.start();
    await accept(writer, named('a'));
    // Nothing came during the first wait: the writer does not wait on, so 'a' is written long before 'b' comes.
    await pause(1000);
    await accept(writer, named('b'));
    await writer.stop();
    expect(store.appends.map((a) => a.names)).toEqual([['a'], ['b']]);
  });

  it('feeds records that became durable together in one push per run of a tenant, before the loop runs', async () => {
    const writer = writerWith();
    const entries = [
      writer.enqueue(named('a1'), 'a'),
      writer.enqueue(named('a2', 'a3'), 'a'),
      writer.enqueue(named('b1'), 'b'),
      writer.enqueue(named('a4'), 'a'),
      writer.enqueue(named('later'), 'a'),
    ];
    for (const e of entries.slice(0, 4)) e.seq = await wal.append(PayloadFormat.OTLP_PROTO, new Uint8Array([1]), e.tenant);
    writer.wake();
    expect(pushed).toEqual([
      { names: ['a1', 'a2', 'a3'], seq: 2n, tenant: 'a' },
      { names: ['b1'], seq: 3n, tenant: 'b' },
      { names: ['a4'], seq: 4n, tenant: 'a' },
    ]);
    entries[4]!.seq = await wal.append(PayloadFormat.OTLP_PROTO, new Uint8Array([1]), 'a');
    writer.wake();
    expect(pushed.at(-1)).toEqual({ names: ['later'], seq: 5n, tenant: 'a' });
    writer.start();
    await writer.stop();
    expect(pushed).toHaveLength(4);
    expect(store.written).toEqual(['a1', 'a2', 'a3', 'b1', 'a4', 'later']);
  });

  it('waits for a request whose log write is pending, and skips one whose log write failed', async () => {
    const writer = writerWith();
    const first = writer.enqueue(named('first'), DEFAULT_TENANT);
    const failed = writer.enqueue(named('failed'), DEFAULT_TENANT);
    const third = writer.enqueue(named('third'), DEFAULT_TENANT);
    writer.start();
    third.seq = await wal.append(PayloadFormat.OTLP_PROTO, new Uint8Array([3]));
    writer.wake();
    // Nothing before `first` is durable, so nothing can be written or counted yet, whatever comes after it.
    await new Promise((r) => setTimeout(r, 20));
    expect(store.written).toEqual([]);
    expect(pushed).toEqual([]);
    writer.drop(failed);
    expect(pushed).toEqual([]);
    first.seq = await wal.append(PayloadFormat.OTLP_PROTO, new Uint8Array([1]));
    writer.wake();
    // The consumers get them in queue order, once the head is durable (the pipeline appends to the log in that order).
    expect(pushed.map((p) => p.names)).toEqual([['first', 'third']]);
    await writer.stop();
    expect(store.written).toEqual(['first', 'third']);
    expect(written).toBe(3); // the failed request's spans leave the queue's count too
  });

  it('retries a write that may succeed later, feeding the consumers only once', async () => {
    store.failures = [new StoreError('IO Error: disk full', true), new StoreError('IO Error: disk full', true)];
    const writer = writerWith({ deadLetters: new DeadLetters(join(dir, 'dead'), metrics, log) });
    writer.start();
    await accept(writer, named('a', 'b'));
    await writer.stop();
    expect(store.written).toEqual(['a', 'b']);
    expect(pushed).toEqual([{ names: ['a', 'b'], seq: 1n, tenant: DEFAULT_TENANT }]);
    expect(await readdir(dir)).not.toContain('dead');
  });

  it('dead-letters the spans the store refuses as bad, writes the rest, and still records the log position', async () => {
    const writer = writerWith({ deadLetters: new DeadLetters(join(dir, 'dead'), metrics, log) });
    store.poison = 'bad';
    writer.start();
    await accept(writer, named('a', 'bad', 'b', 'c'));
    await accept(writer, named('d'));
    await writer.stop();
    expect(store.written.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(store.appends.at(-1)!.wal).toBe(2n);
    const files = await readdir(join(dir, 'dead'));
    expect(files).toHaveLength(1);
    const letter = JSON.parse(await readFile(join(dir, 'dead', files[0]!), 'utf8'));
    expect(letter.resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name)).toEqual(['bad']);
    expect(letter.clew.deadLetter.reason).toContain('Conversion Error: cannot store bad');
  });

  it('without a dead-letter directory, retries a refused batch rather than lose it', async () => {
    store.failures = [new StoreError('Conversion Error: once', false)];
    const writer = writerWith();
    writer.start();
    await accept(writer, named('a'));
    await writer.stop();
    expect(store.written).toEqual(['a']);
  });

  it('writes the replayed records through the consumers too', async () => {
    const writer = writerWith();
    await writer.writeNow([{ spans: named('r1', 'r2'), seq: 7n, tenant: DEFAULT_TENANT }]);
    expect(pushed).toEqual([{ names: ['r1', 'r2'], seq: 7n, tenant: DEFAULT_TENANT }]);
    expect(store.appends).toEqual([{ names: ['r1', 'r2'], wal: 7n }]);
  });

  it('keeps writing when a consumer throws', async () => {
    const writer = writerWith({ consumers: [{ name: 'broken', push: () => { throw new Error('bug'); } }, consumer] });
    writer.start();
    await accept(writer, named('a'));
    await writer.stop();
    expect([store.written, pushed.length]).toEqual([['a'], 1]);
  });
  describe('with tail sampling across collectors', () => {
    /** A forwarder that keeps spans named `mine…`, says what it was asked to route, and answers when `release()` is called. */
    function fakeForwarder() {
      const routed: string[][] = [];
      let release!: () => void;
      const acknowledged = new Promise<void>((r) => (release = r));
      const forwarder: SpanRouter = {
        async route(_tenant, spans) {
          routed.push(spans.map((s) => s.name));
          await acknowledged;
          return spans.filter((s) => s.name.startsWith('mine'));
        },
      };
      return { forwarder, routed, release };
    }

    it("counts every received span, forwards the peers' after, and records the position only once they took them", async () => {
      const { forwarder, routed, release } = fakeForwarder();
      const writer = writerWith({ forwarder, batchWaitMs: 20 });
      await accept(writer, named('mine-1', 'theirs-1'));
      const fromPeer = writer.enqueue(named('forwarded-1'), DEFAULT_TENANT, true);
      fromPeer.seq = await wal.append(PayloadFormat.OTLP_PROTO, new Uint8Array([1]), DEFAULT_TENANT, true);
      writer.start();
      await new Promise((r) => setTimeout(r, 100));
      // Counted where received; the forwarded record moves the consumers' position without its spans (counted at its sender).
      expect(pushed).toEqual([
        { names: ['mine-1', 'theirs-1'], seq: 1n, tenant: DEFAULT_TENANT },
        { names: [], seq: 2n, tenant: DEFAULT_TENANT },
      ]);
      expect(routed).toEqual([['mine-1', 'theirs-1']]);
      expect(store.appends).toEqual([]);
      release();
      await writer.stop();
      expect(store.appends).toEqual([{ names: ['mine-1', 'forwarded-1'], wal: 2n }]);
      expect(written).toBe(3);
    });

    it('replays a forwarded record as kept here and uncounted, and routes the others again', async () => {
      const { forwarder, routed, release } = fakeForwarder();
      release();
      const writer = writerWith({ forwarder });
      await writer.writeNow([
        { spans: named('forwarded-1'), seq: 7n, tenant: DEFAULT_TENANT, forwarded: true },
        { spans: named('mine-1', 'theirs-1'), seq: 8n, tenant: DEFAULT_TENANT },
      ]);
      expect(pushed).toEqual([
        { names: [], seq: 7n, tenant: DEFAULT_TENANT },
        { names: ['mine-1', 'theirs-1'], seq: 8n, tenant: DEFAULT_TENANT },
      ]);
      expect(routed).toEqual([['mine-1', 'theirs-1']]);
      expect(store.appends).toEqual([{ names: ['forwarded-1', 'mine-1'], wal: 8n }]);
    });
  });
});
