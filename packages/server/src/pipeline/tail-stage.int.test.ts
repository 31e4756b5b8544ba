import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOtlpProto } from '@clew/codecs';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, StatusCode } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore, scanSpans } from '@clew/storage';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.js';
import { receive } from '../receivers/decode-payload.js';
import { PayloadFormat } from '../wal/record.js';
import { WriteAheadLog } from '../wal/wal.js';
import { IngestPipeline } from './ingest.js';
import { errorPolicy } from './tail/policies.js';
import { TailSampler } from './tail/tail-sampler.js';
import { registerTailMetrics, TailStage } from './tail-stage.js';

const id = (n: number) => n.toString(16).padStart(32, 'd') as TraceId;
/** Spans of trace n; `failed` gives its first span status ERROR. */
const traceOf = (n: number, spans: number, failed = false): Span[] =>
  Array.from({ length: spans }, (_, i) => makeSpan({ traceId: id(n), name: `span ${i}`, ...(failed && i === 0 && { status: { code: StatusCode.ERROR, message: 'boom' } }) }));

/**
 * The pipeline with tail sampling (keep traces with an error) over a real log and DuckDB store, on a clock the test
 * moves; a restart opens the log and store again, which replays what the store does not hold.
 */
describe('tail sampling between the log and the store', () => {
  let dir: string;
  let store: Store;
  const clock = { t: 1_000_000 };
  const log = pino({ level: 'silent' });
  const open: Array<{ wal: WriteAheadLog }> = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-tail-'));
    store = await openDuckDBStore({ dir: join(dir, 'store'), checkpointIntervalMs: 0 });
  });
  afterEach(async () => {
    for (const o of open.splice(0)) await o.wal.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start() {
    const opened = await WriteAheadLog.open({ dir: join(dir, 'wal'), segmentBytes: 512 }, await store.lastWalPosition());
    open.push(opened);
    const metrics = createMetrics();
    const sampler = new TailSampler({ policies: [errorPolicy()], decisionWaitMs: 10_000, maxTraceWaitMs: 60_000, maxSpans: 10_000, decisionCacheSize: 1000, now: () => clock.t });
    const tail = new TailStage(sampler, store);
    registerTailMetrics(metrics, tail);
    const pipeline = new IngestPipeline(opened.wal, store, { maxPendingSpans: 10_000, retryAfterSeconds: 1, batchSpans: 1000, batchWaitMs: 1, tail }, metrics, log);
    await pipeline.replay(opened.replay);
    return { pipeline, metrics, tail, wal: opened.wal };
  }
  const send = (p: IngestPipeline, spans: Span[]) => p.ingest(receive('otlp_http', PayloadFormat.OTLP_PROTO, encodeOtlpProto(spans), DEFAULT_TENANT));
  /** The trace's stored rows, every copy (a read by id gives a span stored twice once). */
  const stored = async (n: number) => {
    let rows = 0;
    for await (const page of scanSpans(store, { start: 0n as UnixNanos, end: (2n ** 63n) as UnixNanos })) rows += page.filter((s) => s.traceId === id(n)).length;
    return rows;
  };
  /**
   * Waits (polling, up to 10 s) until `done` holds: the store writer hands records to the sampler and asks it for what
   * is due on its own turns, and the sampler reads the test's clock then, so the test waits for those turns before
   * it moves the clock or looks.
   */
  async function until(done: () => boolean | Promise<boolean>): Promise<void> {
    for (let i = 0; i < 500 && !(await done()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await done()).toBe(true);
  }

  it('holds traces for the decision wait, stores those a policy keeps, and counts the rest', async () => {
    const { pipeline, tail } = await start();
    pipeline.start();
    await send(pipeline, [...traceOf(1, 3, true), ...traceOf(2, 2)]);
    await until(() => tail.heldSpans === 5);
    // A stop decides nothing early: both traces stay held, so in the log, and the store has not moved past them.
    clock.t += 5_000;
    await pipeline.stop();
    expect([await stored(1), await stored(2)]).toEqual([0, 0]);
    expect(await store.lastWalPosition()).toBe(0n);

    const again = await start(); // the log replays the record into a new sampler, its wait starting over
    expect(again.tail.heldSpans).toBe(5);
    again.pipeline.start();
    clock.t += 10_001;
    await until(async () => (await stored(1)) === 3);
    await again.pipeline.stop();
    expect([await stored(1), await stored(2)]).toEqual([3, 0]);
    expect(await store.lastWalPosition()).toBe(1n);
    const text = await again.metrics.registry.metrics();
    expect(text).toContain('clew_tail_sampling_spans_total{outcome="kept",policy="error",reason="kept"} 3');
    expect(text).toContain('clew_tail_sampling_spans_total{outcome="dropped",policy="error",reason="no_error"} 2');
  });

  it('loses no held trace across a crash, and stores a kept trace once though its records replay', async () => {
    const first = await start();
    first.pipeline.start();
    // Record 1: trace 1 (fails) and trace 2; record 2, later: the rest of trace 2, which fails, and trace 3.
    await send(first.pipeline, [...traceOf(1, 2, true), ...traceOf(2, 1)]);
    await until(() => first.tail.heldSpans === 3);
    clock.t += 6_000;
    await send(first.pipeline, [...traceOf(2, 1, true).map((s) => ({ ...s, name: 'late failure' })), ...traceOf(3, 1, true)]);
    await until(() => first.tail.heldSpans === 5);
    clock.t += 5_000; // trace 1 is due (11 s quiet), traces 2 and 3 are not (5 s)
    // Let the writer take its turn and write trace 1.
    await until(async () => (await stored(1)) === 2);
    // The store's position stays before record 1, which still holds undecided trace 2.
    expect(await store.lastWalPosition()).toBe(0n);

    // The crash: the first writer takes no more turns. (Stopped rather than killed, so that it cannot decide traces 2
    // and 3 behind the second's back once the clock moves; a stop decides nothing early, so the log and the store
    // are as a kill -9 leaves them.)
    await first.pipeline.stop();
    const after = await start(); // replays records 1 and 2 into a new sampler
    after.pipeline.start();
    clock.t += 10_001;
    await until(async () => (await stored(2)) === 2 && (await stored(3)) === 1);
    await after.pipeline.stop();
    // Trace 1 was kept before the crash and again after the replay: its spans are in the store once.
    expect([await stored(1), await stored(2), await stored(3)]).toEqual([2, 2, 1]);
  });
});
