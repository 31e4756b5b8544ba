import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span, Tenant, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT, SpanKind } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { at, byStartThenId, MS } from '../conformance/fixtures.js';
import { openDuckDBStore } from '../duckdb/duckdb-store.js';
import { RangeArchiveWriter } from '../parquet/range-archive-writer.js';
import type { Store } from '../store.js';
import { LiveStarts, RangeArchiveUnionStore } from './range-archive-union.js';

const MINUTE = 60_000;
const OLD = 'a0000000000000000000000000000001' as TraceId;
const SPLIT = 'b0000000000000000000000000000002' as TraceId;
const NEW = 'c0000000000000000000000000000003' as TraceId;

/*
 * OLD    api GET /a |=|  + db SELECT                          archived only
 * SPLIT  api GET /b |=========================|               archived whole; its worker span is live too
 *                          worker job |====|                   (the live store's earliest span: the line)
 * NEW                                            api GET /c   live only
 */
const old = makeTrace(at(0), { service: 'api', name: 'GET /a', at: 0, ms: 10, children: [{ service: 'db', name: 'SELECT', at: 1, ms: 5 }] }, OLD);
const split = makeTrace(at(MINUTE), { service: 'api', name: 'GET /b', at: 0, ms: 5 * MINUTE, children: [{ service: 'worker', name: 'job', at: 3 * MINUTE, ms: 60_000, kind: SpanKind.CONSUMER }] }, SPLIT);
const fresh = makeTrace(at(10 * MINUTE), { service: 'api', name: 'GET /c', at: 0, ms: 20 }, NEW);
const worker = split.find((s) => s.name === 'job')!;

/**
 * A range archive of `archived` (written under `dir`) beside a live DuckDB store holding `live`, whose earliest span
 * is the line the archive answers before.
 */
async function openUnion(dir: string, archived: Span[], live: Span[]): Promise<Store> {
  const w = await RangeArchiveWriter.create(join(dir, 'archive'));
  await w.add(archived, DEFAULT_TENANT);
  await w.finish({ start: at(0), end: at(20 * MINUTE) });
  const liveStore = await openDuckDBStore({ dir: join(dir, 'live'), checkpointIntervalMs: 0, now: () => at(10 * MINUTE) });
  await liveStore.append(live);
  const line = live.reduce((min, s) => (s.startTimeUnixNano < min ? s.startTimeUnixNano : min), live[0]!.startTimeUnixNano);
  const starts = new LiveStarts(async () => new Map<Tenant, bigint>([[DEFAULT_TENANT, line]]));
  await starts.refresh();
  const archives = await openDuckDBStore({ dir: join(dir, 'archives'), checkpointIntervalMs: 0, rangeArchives: [join(dir, 'archive')], liveFrom: (t) => starts.of(t) });
  return new RangeArchiveUnionStore(liveStore, archives, starts);
}

describe('range archives attached beside a live store elsewhere (RangeArchiveUnionStore)', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-range-union-'));
    // The live store: the worker span again (it was still live when the range was archived) and a new trace.
    store = await openUnion(dir, [...old, ...split], [worker, ...fresh]);
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sorted = (spans: Span[]): Span[] => [...spans].sort(byStartThenId);

  it('reads a trace whole from both sides, each span once: the archive answers for what starts before the live spans', async () => {
    expect(await store.getTrace(SPLIT)).toEqual(sorted(split));
    expect(await store.getTrace(OLD)).toEqual(sorted(old));
    expect(await store.getTrace(NEW)).toEqual(sorted(fresh));
    expect((await store.getTraceOutline(SPLIT)).map((o) => o.name)).toEqual(['GET /b', 'job']);
    const all = await store.getTraces([OLD, SPLIT, NEW]);
    expect([...all].map(([id, spans]) => [id, spans.length])).toEqual([
      [OLD, 2],
      [SPLIT, 2],
      [NEW, 1],
    ]);
    const digest = (await store.summarizeTraces([SPLIT])).get(SPLIT)!;
    expect(digest).toMatchObject({ root: { service: 'api', name: 'GET /b', kind: 'root' }, spanCount: 2, orphanCount: 0 });
    expect(digest.services.map((s) => s.name)).toEqual(['api', 'worker']);
    expect(digest.endTimeUnixNano - digest.startTimeUnixNano).toBe(BigInt(5 * MINUTE) * MS);
    expect(await store.rangeArchived!([OLD, SPLIT, NEW])).toEqual(new Set([OLD, SPLIT]));
  });

  it('searches both sides: newest first, paged across the line, and by duration over whole traces', async () => {
    const q = { service: 'api', start: at(0), end: at(30 * MINUTE) };
    const page = await store.findTraces({ ...q, limit: 10 });
    expect(page.traces.map((t) => t.traceId)).toEqual([NEW, SPLIT, OLD]);
    expect(page.total).toBe(3);
    expect(page.newest?.traceId).toBe(NEW);
    const pages = [];
    for (let offset = 0; offset < 4; offset++) pages.push((await store.findTraces({ ...q, limit: 1, offset })).traces.map((t) => t.traceId));
    expect(pages).toEqual([[NEW], [SPLIT], [OLD], []]);
    // Anchored at SPLIT: NEW is ahead of it, counted apart.
    const anchored = await store.findTraces({ ...q, limit: 10, anchor: { startTimeUnixNano: split[0]!.startTimeUnixNano, traceId: SPLIT } });
    expect(anchored.traces.map((t) => t.traceId)).toEqual([SPLIT, OLD]);
    expect([anchored.total, anchored.newSinceAnchor]).toEqual([2, 1]);
    // SPLIT's duration is its whole extent (its worker span is live): it leads.
    const longest = await store.findTraces({ ...q, limit: 2, sort: 'duration' });
    expect(longest.traces.map((t) => t.traceId)).toEqual([SPLIT, NEW]);
    expect((await store.findTraces({ ...q, limit: 2, offset: 2, sort: 'duration' })).traces.map((t) => t.traceId)).toEqual([OLD]);
  });

  it('puts scatter points, heatmaps and the service lists together', async () => {
    const points = await store.tracePoints({ start: at(0), end: at(30 * MINUTE), limit: 1 }, 100);
    expect(points.points.map((p) => [p.traceId, p.spanCount])).toEqual([
      [NEW, 1],
      [SPLIT, 2],
      [OLD, 2],
    ]);
    const heatmap = await store.latencyHeatmap({ filter: { start: at(0), end: at(30 * MINUTE) }, step: BigInt(30 * MINUTE) * MS });
    expect(heatmap.total).toBe(5);
    expect(heatmap.cells.reduce((n, c) => n + c.count, 0)).toBe(5);
    expect(await store.services()).toEqual(['api', 'db', 'worker']);
    expect((await store.operations({ service: 'api' })).map((o) => o.name)).toEqual(['GET /a', 'GET /b', 'GET /c']);
  });

  it('writes, drops and counts the live store only', async () => {
    expect((await store.stats()).partitions).toBe(1);
    expect(await store.deleteTraces([OLD])).toBe(0);
    expect(await store.getTrace(OLD)).toEqual(sorted(old));
    expect(await store.dropBefore((at(0) + 0n) as UnixNanos)).toBe(0);
  });
});

/*
 * BACKFILL  batch backfill |=|                       live: the live store's earliest span, the line
 * LATE                          api GET /d |=====|   archived only, all of it after the line
 *                                  db SELECT |=|
 */
describe('a range archive beside a live store elsewhere that took an older span (a backfill)', () => {
  const LATE = 'd0000000000000000000000000000004' as TraceId;
  const late = makeTrace(at(5 * MINUTE), { service: 'api', name: 'GET /d', at: 0, ms: 30, children: [{ service: 'db', name: 'SELECT', at: 5, ms: 10 }] }, LATE);
  const backfill = makeTrace(at(0), { service: 'batch', name: 'backfill', at: 0, ms: 5 });
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-range-union-backfill-'));
    store = await openUnion(dir, late, backfill);
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the archived trace by id whole, and searches only what starts before the line in the archive', async () => {
    const whole = [...late].sort(byStartThenId);
    expect(await store.getTrace(LATE)).toEqual(whole);
    expect((await store.getTraceOutline(LATE)).map((o) => o.name)).toEqual(['GET /d', 'SELECT']);
    expect((await store.getTraces([LATE])).get(LATE)).toEqual(whole);
    expect((await store.summarizeTraces([LATE])).get(LATE)).toMatchObject({ root: { service: 'api', name: 'GET /d' }, spanCount: 2 });
    const found = await store.findTraces({ start: at(0), end: at(30 * MINUTE), limit: 10 });
    expect(found.traces.map((t) => t.traceId)).toEqual([backfill[0]!.traceId]);
  });
});
