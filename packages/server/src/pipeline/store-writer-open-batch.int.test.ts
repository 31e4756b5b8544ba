import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOtlpProto } from '@clew/codecs';
import type { Span, Tenant, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import type { DuckDBStore, EncodingBatch, Store, TenantRun } from '@clew/storage';
import { openDuckDBStore, scanSpans, StoreError } from '@clew/storage';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.js';
import { PayloadFormat } from '../wal/record.js';
import { WriteAheadLog } from '../wal/wal.js';
import type { SpanConsumer } from './consumer.js';
import { DeadLetters } from './dead-letters.js';
import type { StoreWriterOptions } from './store-writer.js';
import { StoreWriter } from './store-writer.js';

/**
 * The store writer with a store that encodes as spans come (DuckDB's openBatch), on a real store. Faults are what a
 * few of these tests are about, and DuckDB fails neither an append nor an encoding on demand: `Faults` wraps the real
 * store and injects them, the rest is DuckDB's own work.
 */
class Faults {
  /** Appends of encoded batches to fail (retryably) before they go through. */
  failAppends = 0;
  /** Spans with this name cannot be encoded, and the store refuses any batch holding them as bad. */
  poison: string | undefined;
  encodedAppends = 0;

  constructor(private readonly store: DuckDBStore) {}

  /** The real store's append and openBatch (all the writer calls), with the faults around them. */
  wrap(): Store {
    const store = this.store;
    const wrapped: Pick<Store, 'append' | 'openBatch'> = {
      append: (spans: readonly Span[], wal?: bigint, runs?: readonly TenantRun[]) => {
        if (this.poison !== undefined && spans.some((s) => s.name === this.poison)) return Promise.reject(new StoreError(`Conversion Error: cannot store ${this.poison}`, false));
        return store.append(spans, wal, runs);
      },
      openBatch: (): EncodingBatch | undefined => {
        const batch = store.openBatch();
        return (
          batch && {
            add: (spans: readonly Span[], tenant: Tenant) => {
              if (this.poison !== undefined && spans.some((s) => s.name === this.poison)) {
                batch.abandon();
                throw new StoreError(`DuckDB encoding of ${spans.length} spans failed: cannot encode ${this.poison}`, false);
              }
              batch.add(spans, tenant);
            },
            append: (wal?: bigint) => {
              if (this.failAppends > 0) {
                this.failAppends--;
                batch.abandon();
                return Promise.reject(new StoreError('IO Error: disk full', true));
              }
              this.encodedAppends++;
              return batch.append(wal);
            },
            abandon: () => batch.abandon(),
          }
        );
      },
    };
    return wrapped as Store;
  }
}

const named = (...names: string[]) => names.map((name) => makeSpan({ name }));

describe('StoreWriter with a store that encodes as spans come', () => {
  let dir: string;
  let wal: WriteAheadLog;
  let duck: DuckDBStore;
  let faults: Faults;
  let pushed: Array<{ names: string[]; seq: bigint }>;
  let written: number;
  const metrics = createMetrics();
  const log = pino({ level: 'silent' });
  const consumer: SpanConsumer = { name: 'recorder', push: (spans, seq) => pushed.push({ names: spans.map((s) => s.name), seq }) };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-writer-open-'));
    wal = (await WriteAheadLog.open({ dir: join(dir, 'wal') }, 0n)).wal;
    duck = await openDuckDBStore({ dir: join(dir, 'store'), checkpointIntervalMs: 0 });
    faults = new Faults(duck);
    pushed = [];
    written = 0;
  });
  afterEach(async () => {
    await wal.close();
    await duck.close();
    await rm(dir, { recursive: true, force: true });
  });

  const writerWith = (opts: Partial<StoreWriterOptions> = {}) =>
    new StoreWriter(faults.wrap(), wal, { batchSpans: 3, batchWaitMs: 1, consumers: [consumer], retryMs: [1], ...opts }, metrics, log, (n) => (written += n));

  /** Enqueues spans as one request and logs them (as OTLP protobuf, which the log gives back), as the pipeline does. */
  async function accept(writer: StoreWriter, spans: Span[], tenant: Tenant = DEFAULT_TENANT) {
    const entry = writer.enqueue(spans, tenant);
    entry.seq = await wal.append(PayloadFormat.OTLP_PROTO, encodeOtlpProto(spans), tenant);
    writer.wake();
    return entry;
  }

  /** What the store gives back of each span's trace (each span has a trace of its own). */
  /**
   * Every stored copy of each of the spans, in their order: from a scan of every row, since a read by id gives a span
   * stored twice once.
   */
  const stored = async (spans: readonly Span[], tenant: Tenant = DEFAULT_TENANT) => {
    const rows: Span[] = [];
    for await (const page of scanSpans(duck.forTenant(tenant), { start: 0n as UnixNanos, end: (2n ** 63n) as UnixNanos })) rows.push(...page);
    return spans.flatMap((s) => rows.filter((r) => r.traceId === s.traceId && r.spanId === s.spanId));
  };

  it('encodes each durable record into the open batch and lets its spans go; the batch is appended whole, with its last position', async () => {
    await duck.append([]); // the partition of now attached: before it is, the first batch is appended as spans
    const writer = writerWith();
    const ab = named('a', 'b');
    const c = named('c');
    const d = named('d');
    const first = await accept(writer, ab);
    expect(first.spans).toEqual([]);
    expect(first.count).toBe(2);
    const second = await accept(writer, c, 'acme' as Tenant);
    expect(second.spans).toEqual([]);
    // The batch holds batchSpans (3): the next record waits, as spans, for the next batch.
    const third = await accept(writer, d);
    expect(third.spans).toEqual(d);
    expect(pushed).toEqual([
      { names: ['a', 'b'], seq: 1n },
      { names: ['c'], seq: 2n },
      { names: ['d'], seq: 3n },
    ]);
    writer.start();
    await writer.stop();
    expect(third.spans).toEqual([]);
    expect(faults.encodedAppends).toBe(2);
    expect(await stored([...ab, ...d])).toEqual([...ab, ...d]);
    expect(await stored(c, 'acme' as Tenant)).toEqual(c);
    expect(await stored(c)).toEqual([]);
    expect(await duck.lastWalPosition()).toBe(3n);
    expect(pushed).toHaveLength(3);
    expect(written).toBe(4);
  });

  it('appends a batch as spans until the partition of now is attached, then encodes the next as they come', async () => {
    const writer = writerWith();
    const first = await accept(writer, named('a'));
    expect(first.spans).toHaveLength(1);
    writer.start();
    // Until that append is in (it attaches the partition).
    while ((await duck.lastWalPosition()) < 1n) await new Promise((r) => setTimeout(r, 5));
    const b = named('b');
    const second = await accept(writer, b);
    expect(second.spans).toEqual([]);
    await writer.stop();
    expect(faults.encodedAppends).toBe(1);
    expect(await duck.lastWalPosition()).toBe(2n);
    expect(await stored([...first.spans, ...b])).toEqual([...first.spans, ...b]);
  });

  it("keeps tenants apart in a batch, whether appended as encoded or read back after its append failed", async () => {
    await duck.append([]);
    const writer = writerWith({ batchSpans: 2 });
    const [a, b, c, d] = [named('a'), named('b'), named('c'), named('d')];
    await accept(writer, a, 'acme' as Tenant);
    await accept(writer, b);
    writer.start();
    // The batch's position is its last record's.
    while ((await duck.lastWalPosition()) < 2n) await new Promise((r) => setTimeout(r, 5));
    expect(await duck.lastWalPosition()).toBe(2n);
    faults.failAppends = 1;
    await accept(writer, c, 'acme' as Tenant);
    await accept(writer, d);
    await writer.stop();
    expect(await stored([...a, ...c], 'acme' as Tenant)).toEqual([...a, ...c]);
    expect(await stored([...b, ...d])).toEqual([...b, ...d]);
    expect(await stored([...a, ...c])).toEqual([]);
    expect(await stored([...b, ...d], 'acme' as Tenant)).toEqual([]);
    expect(await duck.lastWalPosition()).toBe(4n);
  });

  it('goes past requests whose log write failed, between and after encoded ones, and stops with only those left', async () => {
    await duck.append([]);
    const writer = writerWith();
    const a = named('a1', 'a2');
    const b = named('b');
    const entries = [writer.enqueue(a, DEFAULT_TENANT), writer.enqueue(named('x'), DEFAULT_TENANT), writer.enqueue(b, DEFAULT_TENANT), writer.enqueue(named('y'), DEFAULT_TENANT)];
    entries[0]!.seq = await wal.append(PayloadFormat.OTLP_PROTO, encodeOtlpProto(a));
    writer.wake();
    writer.drop(entries[1]!);
    entries[2]!.seq = await wal.append(PayloadFormat.OTLP_PROTO, encodeOtlpProto(b));
    writer.wake();
    writer.drop(entries[3]!);
    writer.start();
    while (written < 5) await new Promise((r) => setTimeout(r, 5));
    // Only a failed one left: stopping does not wait for it.
    writer.drop(writer.enqueue(named('z'), DEFAULT_TENANT));
    await writer.stop();
    expect(await stored([...a, ...b])).toEqual([...a, ...b]);
    expect(await duck.lastWalPosition()).toBe(2n);
    expect(written).toBe(6);
  });

  it('reads a batch back from the log when its commit fails in DuckDB (its partition dropped under it)', async () => {
    await duck.append([]);
    const writer = writerWith();
    const a = named('a');
    expect((await accept(writer, a)).spans).toEqual([]);
    // Retention drops the partition the batch was encoded for: its append fails, nothing of it written.
    await duck.dropBefore((BigInt(Date.now() + 86_400_000) * 1_000_000n) as UnixNanos);
    writer.start();
    await writer.stop();
    expect(faults.encodedAppends).toBe(1);
    expect(await stored(a)).toEqual(a);
    expect(await duck.lastWalPosition()).toBe(1n);
  });

  it('tries a read back from the log again when it fails', async () => {
    await duck.append([]);
    faults.failAppends = 1;
    const read = wal.read.bind(wal);
    let reads = 0;
    wal.read = (from, through) => (reads++ === 0 ? Promise.reject(Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' })) : read(from, through));
    const writer = writerWith();
    const a = named('a');
    await accept(writer, a);
    writer.start();
    await writer.stop();
    expect(reads).toBe(2);
    expect(await stored(a)).toEqual(a);
    expect(await duck.lastWalPosition()).toBe(1n);
  });

  it('reads a batch whose append failed back from the log and writes it once, the batch opened meanwhile too', async () => {
    await duck.append([]);
    faults.failAppends = 1;
    const writer = writerWith({ batchSpans: 2 });
    const spans = [...named('a', 'b'), ...named('c')];
    await accept(writer, spans.slice(0, 2));
    // Encoded into the batch opened while the first one's append runs, given up when that append fails.
    await accept(writer, spans.slice(2));
    writer.start();
    await writer.stop();
    // Each once: a span written twice would come back twice.
    expect(await stored(spans)).toEqual(spans);
    expect(await duck.lastWalPosition()).toBe(2n);
    // Fed to the consumers once, as they became durable; the write again does not feed them.
    expect(pushed).toEqual([
      { names: ['a', 'b'], seq: 1n },
      { names: ['c'], seq: 2n },
    ]);
  });

  it('gives a batch up at a span it cannot encode: read back from the log, the span the store refuses is dead-lettered and the rest written', async () => {
    await duck.append([]);
    faults.poison = 'bad';
    const writer = writerWith({ batchSpans: 10, deadLetters: new DeadLetters(join(dir, 'dead'), metrics, log) });
    const a = named('a');
    const bad = named('bad', 'b');
    const c = named('c');
    await accept(writer, a);
    const withBad = await accept(writer, bad);
    // Kept whole: its spans are written from memory, the others of the batch read back.
    expect(withBad.spans).toEqual(bad);
    await accept(writer, c);
    writer.start();
    await writer.stop();
    expect(await stored([...a, ...bad, ...c])).toEqual([...a, bad[1]!, ...c]);
    expect(await duck.lastWalPosition()).toBe(3n);
    const files = await readdir(join(dir, 'dead'));
    expect(files).toHaveLength(1);
    const letter = JSON.parse(await readFile(join(dir, 'dead', files[0]!), 'utf8'));
    expect(letter.resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name)).toEqual(['bad']);
  });
});
