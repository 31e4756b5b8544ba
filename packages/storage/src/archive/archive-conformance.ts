import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { MetricsStore } from '../metrics/metrics-store.js';
import type { Store } from '../store.js';
import { at, byStartThenId } from '../conformance/fixtures.js';
import { fullSpan } from '../conformance/full-span.js';
import { DAY0, NANOS_PER_DAY, NOON } from '../conformance/harness.js';
import { countSpans, scanSpans } from '../scan-spans.js';
import { TraceArchive } from './trace-archive.js';

/** The three stores an archive works over, kept in `dir` (the same dir opens the same stores), on one ingest clock. */
export interface ArchiveStores {
  readonly live: Store;
  readonly archived: Store;
  readonly metrics: MetricsStore;
}

export type OpenArchiveStores = (opts: { dir: string; now: () => UnixNanos }) => Promise<ArchiveStores>;

const A = 'a0000000000000000000000000000001' as TraceId;
const B = 'a0000000000000000000000000000002' as TraceId;

/** A three-span trace: frontend GET /checkout ─► cart cart.get ─► cart SELECT (ERROR). */
const checkout = (id: TraceId): Span[] =>
  makeTrace(at(0), { service: 'frontend', name: 'GET /checkout', at: 0, ms: 40, children: [{ service: 'cart', name: 'cart.get', at: 5, ms: 20, children: [{ service: 'cart', name: 'SELECT', at: 6, ms: 3, error: true }] }] }, id);

const sorted = (spans: readonly Span[]): Span[] => [...spans].sort(byStartThenId);

/**
 * Registers the behaviour of archived traces over a backend's stores, as vitest tests against the interfaces only:
 * each test gets fresh stores in their own temp dir and an ingest clock it moves (past retention).
 * @example describeArchiveConformance('duckdb', async ({ dir, now }) => ({ live: ..., archived: ..., metrics: ... }))
 */
export function describeArchiveConformance(name: string, open: OpenArchiveStores): void {
  describe(`TraceArchive conformance: ${name}`, () => {
    let dir = '';
    let stores: ArchiveStores | undefined;
    let now = NOON as UnixNanos;
    const s = (): ArchiveStores => {
      if (!stores) throw new Error('stores not open');
      return stores;
    };
    const archiveOf = () => new TraceArchive(s().live, s().archived, s().metrics);
    const closeAll = async () => {
      if (!stores) return;
      await Promise.all([stores.live.close(), stores.archived.close(), stores.metrics.close()]);
      stores = undefined;
    };
    /** Moves the clock eight days on and drops every live partition older than seven days, as retention does. */
    const retentionDropsTheDay = async () => {
      now = (DAY0 + 8n * NANOS_PER_DAY + NANOS_PER_DAY / 2n) as UnixNanos;
      expect(await s().live.dropBefore((now - 7n * NANOS_PER_DAY) as UnixNanos)).toBeGreaterThan(0);
    };
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'clew-archive-'));
      now = NOON as UnixNanos;
      stores = await open({ dir, now: () => now });
    });
    afterEach(async () => {
      await closeAll();
      await rm(dir, { recursive: true, force: true });
    });

    it('archives a live trace: its spans copied, its mark kept with who, when and why', async () => {
      const a = checkout(A);
      await s().live.append([...a, ...checkout(B)]);
      const archive = archiveOf().forTenant(DEFAULT_TENANT);
      const result = await archive.archive(A, { by: 'ana', note: 'incident 42', at: 1_700_000_000_000 });
      expect(result).toEqual({ found: true, copied: 3, mark: { traceId: A, archivedBy: 'ana', note: 'incident 42', archivedAt: 1_700_000_000_000 } });
      expect(await archive.mark(A)).toEqual({ traceId: A, archivedBy: 'ana', note: 'incident 42', archivedAt: 1_700_000_000_000 });
      expect(await archive.mark(B)).toBeUndefined();
      expect(sorted(await s().archived.getTrace(A))).toEqual(sorted(a));
      expect(await s().archived.getTrace(B)).toEqual([]);
    });

    it('answers found: false for a trace neither store holds, and stores no mark', async () => {
      const archive = archiveOf().forTenant(DEFAULT_TENANT);
      expect(await archive.archive(A, { by: 'ana', note: '', at: 1 })).toEqual({ found: false });
      expect(await archive.marks()).toEqual([]);
    });

    it('keeps an archived trace, every field of every span, after retention drops its day', async () => {
      const full = fullSpan(A);
      const spans = [...checkout(A), full];
      await s().live.append([...spans, ...checkout(B)]);
      const ta = archiveOf();
      await ta.forTenant(DEFAULT_TENANT).archive(A, { by: 'ana', note: 'keep', at: 5 });
      await retentionDropsTheDay();
      expect(await s().live.getTrace(A)).toEqual([]);
      expect(await ta.store.getTrace(B)).toEqual([]);
      expect(sorted(await ta.store.getTrace(A))).toEqual(sorted(spans));
      expect(await ta.store.getTraceOutline(A)).toHaveLength(4);
      const many = await ta.store.getTraces([A, B]);
      expect(sorted(many.get(A)!)).toEqual(sorted(spans));
      expect(many.get(B)).toEqual([]);
      const digests = await ta.store.summarizeTraces([A, B]);
      expect([...digests.keys()]).toEqual([A]);
      expect(digests.get(A)!.spanCount).toBe(4);
      expect(digests.get(A)!.root).toEqual({ service: 'frontend', name: 'GET /checkout', kind: 'root' });
    });

    it('reads an archived trace whole when retention dropped only some of its live spans (they arrived on two days)', async () => {
      const [root, child, last] = checkout(A);
      // The last span starts, and arrives, a day later than the others.
      const late: Span = { ...last!, startTimeUnixNano: (last!.startTimeUnixNano + NANOS_PER_DAY) as UnixNanos, endTimeUnixNano: (last!.endTimeUnixNano + NANOS_PER_DAY) as UnixNanos };
      const b = checkout(B);
      await s().live.append([root!, child!, ...b]);
      now = (NOON + NANOS_PER_DAY) as UnixNanos;
      await s().live.append([late]);
      const ta = archiveOf();
      await ta.forTenant(DEFAULT_TENANT).archive(A, { by: 'ana', note: '', at: 1 });
      await ta.forTenant(DEFAULT_TENANT).archive(B, { by: 'ana', note: '', at: 2 });
      // Retention drops the first day only: the live store keeps the late span alone.
      expect(await s().live.dropBefore((DAY0 + NANOS_PER_DAY) as UnixNanos)).toBeGreaterThan(0);
      expect(await s().live.getTrace(A)).toEqual([late]);
      const whole = sorted([root!, child!, late]);
      expect(sorted(await ta.store.getTrace(A))).toEqual(whole);
      expect((await ta.store.getTraceOutline(A)).map((o) => o.spanId)).toEqual(whole.map((sp) => sp.spanId));
      const many = await ta.store.getTraces([A, B]);
      expect(sorted(many.get(A)!)).toEqual(whole);
      expect(sorted(many.get(B)!)).toEqual(sorted(b));
      const digests = await ta.store.summarizeTraces([A, B]);
      expect(digests.get(A)).toMatchObject({ spanCount: 3, errorCount: 1, startTimeUnixNano: root!.startTimeUnixNano, root: { service: 'frontend', name: 'GET /checkout', kind: 'root' } });
      expect(digests.get(B)).toMatchObject({ spanCount: 3, root: { kind: 'root' } });
      // Un-archived, it is the live store's again: the late span alone.
      await ta.forTenant(DEFAULT_TENANT).unarchive(A);
      expect(await ta.store.getTrace(A)).toEqual([late]);
      expect((await ta.store.summarizeTraces([A])).get(A)!.spanCount).toBe(1);
    });

    it('reads a trace from the live store while it is there, and the archive never duplicates spans', async () => {
      const spans = checkout(A);
      await s().live.append(spans.slice(0, 2));
      const archive = archiveOf().forTenant(DEFAULT_TENANT);
      expect((await archive.archive(A, { by: 'ana', note: 'first', at: 1 })).found).toBe(true);
      // A late span arrives; archiving again copies it alone and replaces the note.
      await s().live.append(spans.slice(2));
      const again = await archive.archive(A, { by: 'bo', note: 'second', at: 2 });
      expect(again).toMatchObject({ found: true, copied: 1, mark: { archivedBy: 'bo', note: 'second', archivedAt: 2 } });
      expect(await archive.archive(A, { by: 'bo', note: 'third', at: 3 })).toMatchObject({ copied: 0 });
      expect(sorted(await s().archived.getTrace(A))).toEqual(sorted(spans));
      // Each stored once (a read by id would give a span stored twice once).
      expect(await countSpans(s().archived, { start: at(-1), end: at(1000) })).toBe(spans.length);
      expect(await archive.marks()).toHaveLength(1);
      await retentionDropsTheDay();
      // Its live spans gone, archiving again still works (a new note) and copies nothing.
      expect(await archive.archive(A, { by: 'cy', note: 'fourth', at: 4 })).toMatchObject({ found: true, copied: 0, mark: { note: 'fourth' } });
    });

    it('copies a trace once when two requests archive it at the same time', async () => {
      const spans = checkout(A);
      await s().live.append(spans);
      const ta = archiveOf();
      const results = await Promise.all([ta.forTenant(DEFAULT_TENANT).archive(A, { by: 'ana', note: '1', at: 1 }), ta.forTenant(DEFAULT_TENANT).archive(A, { by: 'bo', note: '2', at: 2 })]);
      expect(results.map((r) => (r.found ? r.copied : -1))).toEqual([3, 0]);
      expect(sorted(await s().archived.getTrace(A))).toEqual(sorted(spans));
      expect(await countSpans(s().archived, { start: at(-1), end: at(1000) })).toBe(spans.length);
      expect(await ta.forTenant(DEFAULT_TENANT).mark(A)).toMatchObject({ archivedBy: 'bo', note: '2' });
    });

    it("scans a window's live spans through the store the APIs read, as the live store does", async () => {
      const spans = [...checkout(A), ...checkout(B)];
      await s().live.append(spans);
      const ta = archiveOf();
      await ta.forTenant(DEFAULT_TENANT).archive(A, { by: 'ana', note: '', at: 1 });
      const read: Span[] = [];
      for await (const batch of scanSpans(ta.store, { start: at(-1), end: at(1000) })) read.push(...batch);
      expect(sorted(read)).toEqual(sorted(spans));
      // Counted as scanned: the archived copies of A are not counted again.
      expect(await countSpans(ta.store, { start: at(-1), end: at(1000) })).toBe(spans.length);
    });

    it('un-archives: the mark and the copies go, and a trace whose live spans are gone is no longer found', async () => {
      await s().live.append([...checkout(A), ...checkout(B)]);
      const ta = archiveOf();
      const archive = ta.forTenant(DEFAULT_TENANT);
      await archive.archive(A, { by: 'ana', note: '', at: 1 });
      await archive.archive(B, { by: 'bo', note: '', at: 2 });
      await retentionDropsTheDay();
      expect(await archive.archivedReads().getTrace(A)).not.toEqual([]);
      expect(await archive.unarchive(A)).toBe(true);
      // The copies are deleted too: un-archived spans do not stay on disk past their retention.
      expect(await archive.archivedReads().getTrace(A)).toEqual([]);
      expect(await archive.archivedReads().getTrace(B)).toHaveLength(checkout(B).length);
      expect(await ta.store.getTrace(B)).toHaveLength(checkout(B).length);
      expect(await archive.unarchive(A)).toBe(false);
      expect(await archive.mark(A)).toBeUndefined();
      expect(await ta.store.getTrace(A)).toEqual([]);
      expect(await ta.store.getTraceOutline(A)).toEqual([]);
      expect((await ta.store.getTraces([A])).get(A)).toEqual([]);
      expect((await ta.store.summarizeTraces([A])).size).toBe(0);
    });

    it('edits the note of an archived trace, keeping who archived it and when, across a restart; not of another tenant\'s', async () => {
      await s().live.append([...checkout(A), ...checkout(B)], undefined, [{ tenant: 'team-a', spans: 6 }]);
      const archive = archiveOf().forTenant('team-a');
      await archive.archive(A, { by: 'ana', note: 'older', at: 100 });
      await archive.archive(B, { by: 'bo', note: 'newer', at: 200 });
      const edited = { traceId: A, archivedBy: 'ana', archivedAt: 100, note: 'INC-42: root cause found', noteEditedBy: 'cy', noteEditedAt: 300 };
      expect(await archive.editNote(A, { note: 'INC-42: root cause found', by: 'cy', at: 300 })).toEqual(edited);
      // The list keeps the order of archiving, not of edits.
      expect(await archive.marks()).toEqual([{ traceId: B, archivedBy: 'bo', archivedAt: 200, note: 'newer' }, edited]);
      // Not archived (or another tenant's): nothing to edit, nothing stored.
      expect(await archiveOf().forTenant('team-b').editNote(A, { note: 'theirs', by: 'mallory', at: 301 })).toBeUndefined();
      expect(await archiveOf().forTenant('team-b').marks()).toEqual([]);
      await closeAll();
      stores = await open({ dir, now: () => now });
      expect(await archiveOf().forTenant('team-a').mark(A)).toEqual(edited);
      // Archiving again replaces the whole mark: who, when, and a note of its own.
      expect((await archiveOf().forTenant('team-a').archive(A, { by: 'dee', note: 'again', at: 400 })).found).toBe(true);
      expect(await archiveOf().forTenant('team-a').mark(A)).toEqual({ traceId: A, archivedBy: 'dee', archivedAt: 400, note: 'again' });
    });

    it("makes an archived trace's copies whole when its note is edited, as archiving does", async () => {
      const spans = checkout(A);
      await s().live.append(spans);
      const archive = archiveOf().forTenant(DEFAULT_TENANT);
      await archive.archive(A, { by: 'ana', note: 'first', at: 1 });
      // Another query node un-archiving meanwhile (scale-out): the mark was read here, then its copies went there.
      await s().archived.deleteTraces([A], DEFAULT_TENANT);
      expect(await archive.editNote(A, { note: 'second', by: 'bo', at: 2 })).toMatchObject({ note: 'second', archivedBy: 'ana' });
      // Archived, copies and all: retention drops the day and the trace is still read whole.
      await retentionDropsTheDay();
      expect(sorted(await archiveOf().store.getTrace(A))).toEqual(sorted(spans));
    });

    it('lists marks most recently archived first, and keeps them and the spans across a restart', async () => {
      const b = checkout(B);
      await s().live.append([...checkout(A), ...b]);
      const archive = archiveOf().forTenant(DEFAULT_TENANT);
      await archive.archive(A, { by: 'ana', note: 'older', at: 100 });
      await archive.archive(B, { by: 'bo', note: 'newer', at: 200 });
      expect((await archive.marks()).map((m) => [m.traceId, m.note])).toEqual([[B, 'newer'], [A, 'older']]);
      await retentionDropsTheDay();
      await closeAll();
      stores = await open({ dir, now: () => now });
      const ta = archiveOf();
      expect((await ta.forTenant(DEFAULT_TENANT).marks()).map((m) => m.traceId)).toEqual([B, A]);
      expect(sorted(await ta.store.getTrace(B))).toEqual(sorted(b));
    });

    it("keeps tenants apart: a tenant neither sees nor archives another's trace", async () => {
      const a = checkout(A);
      await s().live.append([...a, ...checkout(B)], undefined, [{ tenant: 'team-a', spans: 3 }, { tenant: 'team-b', spans: 3 }]);
      const ta = archiveOf();
      expect(await ta.forTenant('team-b').archive(A, { by: 'team-b', note: '', at: 1 })).toEqual({ found: false });
      expect((await ta.forTenant('team-a').archive(A, { by: 'team-a', note: 'ours', at: 1 })).found).toBe(true);
      await retentionDropsTheDay();
      expect(sorted(await ta.store.forTenant('team-a').getTrace(A))).toEqual(sorted(a));
      expect(await ta.store.forTenant('team-b').getTrace(A)).toEqual([]);
      expect(await ta.store.getTrace(A)).toEqual([]);
      expect(await ta.forTenant('team-b').marks()).toEqual([]);
      expect(await ta.forTenant(DEFAULT_TENANT).marks()).toEqual([]);
      expect((await ta.forTenant('team-a').marks()).map((m) => m.traceId)).toEqual([A]);
    });
  });
}
