import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOtlpProto } from '@clew/codecs';
import type { Span } from '@clew/model';
import { DEFAULT_TENANT, str } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.js';
import { receive } from '../receivers/decode-payload.js';
import { PayloadFormat } from '../wal/record.js';
import { WriteAheadLog } from '../wal/wal.js';
import { IngestPipeline } from './ingest.js';
import type { Processor } from './processors/processor.js';
import { REDACT_PRESETS, redactProcessor } from './processors/redact.js';
import { filterProcessor } from './processors/filter.js';

const SECRET = 'planted.secret@example.com';

describe('IngestPipeline', () => {
  let dir: string;
  let store: Store;
  let wal: WriteAheadLog;
  let metrics: ReturnType<typeof createMetrics>;
  const log = pino({ level: 'silent' });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-ingest-'));
    store = await openDuckDBStore({ dir: join(dir, 'store'), checkpointIntervalMs: 0 });
    wal = (await WriteAheadLog.open({ dir: join(dir, 'wal') }, 0n)).wal;
    metrics = createMetrics();
  });
  afterEach(async () => {
    await wal.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const pipelineWith = (processors: Processor[]) =>
    new IngestPipeline(wal, store, { maxPendingSpans: 10_000, retryAfterSeconds: 1, batchSpans: 1000, batchWaitMs: 1, processors }, metrics, log);
  const request = (spans: Span[]) => receive('otlp_http', PayloadFormat.OTLP_PROTO, encodeOtlpProto(spans), DEFAULT_TENANT);
  /** Every byte of the write-ahead log's segments, as text. */
  const walText = async () => (await Promise.all((await readdir(join(dir, 'wal'))).map((f) => readFile(join(dir, 'wal', f), 'latin1')))).join('');
  const walRecords = async (payload: string) => (await metrics.walRecords.get()).values.find((v) => v.labels.payload === payload)?.value ?? 0;

  it('logs the received bytes as they are when no processor changes a span', async () => {
    const pipeline = pipelineWith([redactProcessor({ mask: [{ pattern: REDACT_PRESETS.email, replacement: 'X' }] })]);
    const spans = [makeSpan({ name: 'clean', attributes: [{ key: 'n', value: str('1') }] })];
    const batch = request(spans);
    await pipeline.ingest(batch);
    expect(await walRecords('received')).toBe(1);
    expect(await walRecords('reencoded')).toBe(0);
    expect(Buffer.from(await walText(), 'latin1').includes(Buffer.from(batch.wire!.payload))).toBe(true);
    await pipeline.stop();
  });

  it('logs the processed batch, so a redacted secret never reaches the disk', async () => {
    const pipeline = pipelineWith([redactProcessor({ mask: [{ pattern: REDACT_PRESETS.email, replacement: '[email]' }] })]);
    pipeline.start();
    const span = makeSpan({ name: 'signup', attributes: [{ key: 'user.email', value: str(SECRET) }] });
    const result = await pipeline.ingest(request([span]));
    expect(result).toEqual({ accepted: 1, rejected: 0, rejectMessage: '', dropped: [] });
    expect(await walRecords('reencoded')).toBe(1);
    expect(await walText()).not.toContain(SECRET);
    expect(await walText()).toContain('[email]');
    await pipeline.stop();
    const stored = await store.getTrace(span.traceId);
    expect(stored.map((s) => s.attributes)).toEqual([[{ key: 'user.email', value: str('[email]') }]]);
  });

  it('says which processor dropped what, logs only what is kept, and acknowledges a request left empty', async () => {
    const pipeline = pipelineWith([filterProcessor({ drop: 'spans', rules: [{ name: 'GET /health' }] })]);
    const all = await pipeline.ingest(request([makeSpan({ name: 'GET /health' })]));
    expect(all).toEqual({ accepted: 1, rejected: 0, rejectMessage: '', dropped: [{ processor: 'filter', reason: 'filtered', spans: 1 }] });
    expect(await walText()).toBe('');
    const some = await pipeline.ingest(request([makeSpan({ name: 'GET /health' }), makeSpan({ name: 'GET /cart' })]));
    expect(some.dropped).toEqual([{ processor: 'filter', reason: 'filtered', spans: 1 }]);
    expect(await walText()).toContain('GET /cart');
    expect(await walText()).not.toContain('GET /health');
    await pipeline.stop();
  });

  it('replays processed records as they were logged, without running the processors again', async () => {
    const pipeline = pipelineWith([redactProcessor({ mask: [{ pattern: REDACT_PRESETS.email, replacement: '[email]' }] })]);
    const span = makeSpan({ attributes: [{ key: 'to', value: str(SECRET) }] });
    await pipeline.ingest(request([span]));
    // No stop(): as after a kill -9, the record is in the log and not in the store.
    await wal.close();
    const reopened = await WriteAheadLog.open({ dir: join(dir, 'wal') }, await store.lastWalPosition());
    wal = reopened.wal;
    const after = pipelineWith([]);
    expect(await after.replay(reopened.replay)).toBe(1);
    expect((await store.getTrace(span.traceId))[0]!.attributes).toEqual([{ key: 'to', value: str('[email]') }]);
  });
  it('logs a request a peer forwarded as it came, flagged, without running the processors, and never routes it again', async () => {
    const routed: number[] = [];
    const forwarder = { route: async (_t: unknown, spans: readonly Span[]) => (routed.push(spans.length), []) };
    const pipeline = new IngestPipeline(
      wal,
      store,
      { maxPendingSpans: 10_000, retryAfterSeconds: 1, batchSpans: 1000, batchWaitMs: 1, processors: [filterProcessor({ drop: 'spans', rules: [{ name: 'GET /health' }] })], forwarder },
      metrics,
      log,
    );
    pipeline.start();
    const span = makeSpan({ name: 'GET /health' });
    const result = await pipeline.ingest({ ...request([span]), forwarded: true });
    expect(result).toEqual({ accepted: 1, rejected: 0, rejectMessage: '', dropped: [] });
    await pipeline.stop();
    expect(routed).toEqual([]);
    expect((await store.getTrace(span.traceId)).map((s) => s.name)).toEqual(['GET /health']);
    await wal.close();
    const reopened = await WriteAheadLog.open({ dir: join(dir, 'wal') }, 0n);
    wal = reopened.wal;
    expect(reopened.replay.map((r) => r.forwarded)).toEqual([true]);
  });
});
