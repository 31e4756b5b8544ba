import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { serviceName } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { fullSpan } from '../conformance/full-span.js';
import { at, byStartThenId, searchFixture, ID } from '../conformance/fixtures.js';
import { openDuckDBStore } from '../duckdb/duckdb-store.js';
import { scanSpans } from '../scan-spans.js';
import { RangeArchiveWriter } from './range-archive-writer.js';
import { readManifest } from './range-archive-manifest.js';

const DAY = 86_400_000_000_000n;
const FULL = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0' as TraceId;
const ACME = 'acacacacacacacacacacacacacacacac' as TraceId;

describe('range archive (Parquet, read through a DuckDB store)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-range-archive-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** searchFixture (day 0), a full span and an acme trace (the next day), archived from a live store. */
  async function archiveFixture(): Promise<{ spans: Span[]; acme: Span[] }> {
    const live = await openDuckDBStore({ dir: join(dir, 'live'), checkpointIntervalMs: 0 });
    const spans = [...searchFixture(), fullSpan(FULL)];
    const acme = makeTrace((at(0) + DAY) as UnixNanos, { service: 'acme-api', name: 'GET /acme', at: 0, ms: 5, children: [{ service: 'acme-db', name: 'SELECT', at: 1, ms: 2 }] })
      .map((s) => ({ ...s, traceId: ACME }));
    await live.append(spans);
    await live.append(acme, undefined, [{ tenant: 'acme', spans: acme.length }]);
    const w = await RangeArchiveWriter.create(join(dir, 'archive'));
    const window = { start: 0n as UnixNanos, end: (at(0) + 3n * DAY) as UnixNanos };
    for (const tenant of ['default', 'acme']) {
      for await (const batch of scanSpans(live.forTenant(tenant), window)) await w.add(batch, tenant);
    }
    await w.finish(window);
    await live.close();
    return { spans, acme };
  }

  it('gives back every span exactly, by id and by search, for its own tenant only', async () => {
    const { spans, acme } = await archiveFixture();
    const store = await openDuckDBStore({ dir: join(dir, 'empty'), checkpointIntervalMs: 0, rangeArchives: [join(dir, 'archive')] });
    try {
      for (const id of [ID.A, ID.B, ID.C, ID.D, FULL]) {
        expect(await store.getTrace(id), id).toEqual(spans.filter((s) => s.traceId === id).sort(byStartThenId));
      }
      expect(await store.forTenant('acme').getTrace(ACME)).toEqual([...acme].sort(byStartThenId));
      expect(await store.getTrace(ACME)).toEqual([]);
      expect(await store.forTenant('acme').getTrace(ID.A)).toEqual([]);
      const found = await store.findTraces({ service: 'cart', attributes: [['user.id', 'u1']], limit: 10 });
      expect(found.traces.map((t) => t.traceId)).toEqual([ID.A]);
      expect((await store.findTraces({ limit: 10 })).total).toBe(5);
      expect(await store.services()).toEqual([...new Set(spans.map((s) => serviceName(s.resource)))].sort());
      expect(await store.forTenant('acme').services()).toEqual(['acme-api', 'acme-db']);
      expect((await store.summarizeTraces([ID.A])).get(ID.A)?.spanCount).toBe(3);
      expect(await store.rangeArchived([ID.A, ACME, '0000000000000000000000000000ffff' as TraceId])).toEqual(new Set([ID.A]));
      expect(await store.forTenant('acme').rangeArchived?.([ID.A, ACME])).toEqual(new Set([ACME]));
      // Exports of a window read live spans only.
      const scanned: Span[] = [];
      for await (const b of scanSpans(store, { start: 0n as UnixNanos, end: (at(0) + 3n * DAY) as UnixNanos })) scanned.push(...b);
      expect(scanned).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses an archive directory given twice (another spelling of it too), whose spans would each be read twice', async () => {
    await archiveFixture();
    const archive = join(dir, 'archive');
    await expect(openDuckDBStore({ dir: join(dir, 'empty'), checkpointIntervalMs: 0, rangeArchives: [archive, `${archive}/`] })).rejects.toThrow(
      `${archive}/ is the range archive ${archive} again: give each archive directory once`,
    );
  });

  it('attaches archives of ranges that do not overlap, and refuses two that may hold the same spans, saying why', async () => {
    const live = await openDuckDBStore({ dir: join(dir, 'live'), checkpointIntervalMs: 0 });
    const spans = searchFixture();
    await live.append(spans);
    /** The default tenant's spans starting in [from, to) ms after T0 (of the traces of `service` only, whole, when given). */
    const archive = async (name: string, from: number, to: number, service?: string): Promise<string> => {
      const out = join(dir, name);
      const w = await RangeArchiveWriter.create(out);
      const window = { start: at(from), end: at(to) };
      const picked: Span[] = [];
      for await (const batch of scanSpans(live, window)) picked.push(...batch);
      const traces = new Set(picked.filter((s) => service === undefined || serviceName(s.resource) === service).map((s) => s.traceId));
      await w.add(service === undefined ? picked : spans.filter((s) => traces.has(s.traceId)), 'default');
      await w.finish({ ...window, service });
      return out;
    };
    // searchFixture's traces start at 1000 (A, to 1120), 2000 (B) and 3000 (C, D), all on one day.
    const [early, late, overlapping, cart] = [await archive('early', 0, 2000), await archive('late', 2000, 10_000), await archive('overlapping', 1500, 2500), await archive('cart', 0, 2000, 'cart')];
    await live.close();
    const store = await openDuckDBStore({ dir: join(dir, 'empty'), checkpointIntervalMs: 0, rangeArchives: [early, late] });
    try {
      for (const id of [ID.A, ID.B, ID.C, ID.D]) expect(await store.getTrace(id), id).toEqual(spans.filter((s) => s.traceId === id).sort(byStartThenId));
      expect((await store.findTraces({ limit: 10 })).total).toBe(4);
      expect((await store.latencyHeatmap({ filter: { start: 0n as UnixNanos, end: at(10_000) }, step: DAY })).total).toBe(spans.length);
    } finally {
      await store.close();
    }
    const refused = (dirs: string[]) => openDuckDBStore({ dir: join(dir, 'empty'), checkpointIntervalMs: 0, rangeArchives: dirs });
    await expect(refused([early, late, overlapping])).rejects.toThrow(
      `the range archives ${early} and ${overlapping} may hold the same spans (both hold spans of tenant default from overlapping ranges), which would be read twice: attach one of them`,
    );
    // A service's archive keeps its traces whole, spans past its range's end too: with a later range of the same day
    // it may share spans (these two happen not to), so it is refused as well.
    const day = new Date(Number(at(0) / 1_000_000n)).toISOString().slice(0, 10);
    await expect(refused([late, cart])).rejects.toThrow(`(both hold spans of tenant default on ${day}, and one keeps a service's traces whole)`);
  });

  it('reads a range the live store still holds once, from the live store, and from the archive once retention drops it', async () => {
    const { spans, acme } = await archiveFixture();
    // The archive attached to the store it was made from, which still holds every span of it.
    const store = await openDuckDBStore({ dir: join(dir, 'live'), checkpointIntervalMs: 0, rangeArchives: [join(dir, 'archive')] });
    const window = { start: 0n as UnixNanos, end: (at(0) + 3n * DAY) as UnixNanos };
    const expectEachSpanOnce = async (label: string): Promise<void> => {
      for (const id of [ID.A, ID.B, ID.C, ID.D, FULL]) {
        expect(await store.getTrace(id), `${label}: ${id}`).toEqual(spans.filter((s) => s.traceId === id).sort(byStartThenId));
      }
      expect(await store.forTenant('acme').getTrace(ACME), label).toEqual([...acme].sort(byStartThenId));
      expect((await store.findTraces({ limit: 10 })).total, label).toBe(5);
      expect((await store.summarizeTraces([ID.A])).get(ID.A)?.spanCount, label).toBe(3);
      expect((await store.latencyHeatmap({ filter: window, step: DAY })).total, label).toBe(spans.length);
      expect(await store.services(), label).toEqual([...new Set(spans.map((s) => serviceName(s.resource)))].sort());
      // Archived either way: the range archive keeps it past retention.
      expect(await store.rangeArchived([ID.A, ACME]), label).toEqual(new Set([ID.A]));
      expect(await store.forTenant('acme').rangeArchived?.([ACME]), label).toEqual(new Set([ACME]));
    };
    try {
      await expectEachSpanOnce('live and archived');
      // Retention drops one tenant's spans, then every live partition: the archive answers alone.
      await store.dropBefore((BigInt(Date.now()) * 1_000_000n + 2n * DAY) as UnixNanos, 'acme');
      expect(await store.forTenant('acme').getTrace(ACME)).toEqual([...acme].sort(byStartThenId));
      await store.dropBefore((BigInt(Date.now()) * 1_000_000n + 2n * DAY) as UnixNanos);
      const live: Span[] = [];
      for await (const b of scanSpans(store, window)) live.push(...b);
      expect(live).toEqual([]);
      await expectEachSpanOnce('archived only');
    } finally {
      await store.close();
    }
  });

  it('finds an archived trace by id after the live store took an older span (a backfill), which only searches stop at', async () => {
    const { spans } = await archiveFixture();
    const store = await openDuckDBStore({ dir: join(dir, 'empty'), checkpointIntervalMs: 0, rangeArchives: [join(dir, 'archive')] });
    try {
      // An hour before every archived span: from then on the live store answers the searches.
      const backfill = makeTrace((at(0) - 3_600_000n * 1_000_000n) as UnixNanos, { service: 'batch', name: 'backfill', at: 0, ms: 5 });
      await store.append(backfill);
      for (const id of [ID.A, ID.B, ID.C, ID.D, FULL]) {
        const archived = spans.filter((s) => s.traceId === id).sort(byStartThenId);
        expect(await store.getTrace(id), id).toEqual(archived);
        expect((await store.getTraceOutline(id)).map((o) => o.spanId), id).toEqual(archived.map((s) => s.spanId));
        expect((await store.getTraces([id])).get(id), id).toEqual(archived);
        expect((await store.summarizeTraces([id])).get(id)?.spanCount, id).toBe(archived.length);
      }
      expect((await store.findTraces({ limit: 10 })).traces.map((t) => t.traceId)).toEqual([backfill[0]!.traceId]);
    } finally {
      await store.close();
    }
  });

  describe('refuses a damaged or hand-edited archive at start-up, naming the manifest, the file and what is wrong', () => {
    const DAY0 = 'spans-2025-11-24.parquet';
    const attach = (archive: string) => openDuckDBStore({ dir: join(dir, 'empty'), checkpointIntervalMs: 0, rangeArchives: [archive] });
    /** Rewrites the archive's manifest with `edit` applied to its parsed JSON. */
    const editManifest = async (archive: string, edit: (m: { files: Record<string, unknown>[] } & Record<string, unknown>) => void): Promise<void> => {
      const m = JSON.parse(await readFile(join(archive, 'manifest.json'), 'utf8'));
      edit(m);
      await writeFile(join(archive, 'manifest.json'), JSON.stringify(m));
    };

    it('a day file the manifest lists that is missing', async () => {
      await archiveFixture();
      const archive = join(dir, 'archive');
      await rm(join(archive, 'spans-2025-11-25.parquet'));
      await expect(attach(archive)).rejects.toThrow(
        `${archive}/manifest.json lists spans-2025-11-25.parquet, which is missing: restore the archive from a copy, or write it again with clew archive`,
      );
    });

    it.each<[string, (m: { files: Record<string, unknown>[] } & Record<string, unknown>) => void, string]>([
      ['no minStart', (m) => delete m.files[0]!.minStart, `lists ${DAY0} with no minStart (Unix nanoseconds as a decimal string)`],
      ['a number as maxStart', (m) => (m.files[0]!.maxStart = 12.5), `lists ${DAY0} with 12.5 as maxStart, not Unix nanoseconds as a decimal string`],
      ['no bytes', (m) => delete m.files[0]!.bytes, `lists ${DAY0} with no bytes (the file's size in bytes)`],
      ['a garbled sha256', (m) => (m.files[0]!.sha256 = 'abc'), `lists ${DAY0} with "abc" as sha256, not 64 lower-case hex digits`],
      ['a count of spans as text', (m) => (m.files[0]!.spans = '9'), `lists ${DAY0} with "9" as spans, not a count of spans`],
      ['a day that is none', (m) => (m.files[0]!.day = '2025-02-30'), `lists ${DAY0} with "2025-02-30" as day, not a UTC day, YYYY-MM-DD`],
      ['the wrong day', (m) => (m.files[0]!.day = '2025-11-23'), `lists ${DAY0} with minStart`],
      ['a path out of the directory', (m) => (m.files[0]!.file = `../live/${DAY0}`), `lists files[0] with "../live/${DAY0}" as file, not a file name in the archive directory`],
      ['an entry that is no object', (m) => (m.files[1] = null as unknown as Record<string, unknown>), 'lists files[1] as null, not a file entry'],
      ['a file listed twice', (m) => m.files.push(m.files[0]!), `lists ${DAY0} twice`],
      ['no range', (m) => delete m.range, 'is a manifest with no range'],
    ])('a manifest with %s', async (_, edit, message) => {
      await archiveFixture();
      const archive = join(dir, 'archive');
      await editManifest(archive, edit);
      await expect(attach(archive)).rejects.toThrow(`${archive}/manifest.json ${message}`);
    });

    it("a day file of another size than the manifest says (another archive's file of the same day)", async () => {
      await archiveFixture();
      const archive = join(dir, 'archive');
      // Another archive of the same day, of fewer spans.
      const other = await RangeArchiveWriter.create(join(dir, 'other'));
      await other.add(searchFixture().filter((s) => s.traceId === ID.A), 'default');
      await other.finish({ start: 0n as UnixNanos, end: (at(0) + DAY) as UnixNanos });
      const listed = (await stat(join(archive, DAY0))).size;
      await copyFile(join(dir, 'other', DAY0), join(archive, DAY0));
      const size = (await stat(join(archive, DAY0))).size;
      expect(size).not.toBe(listed);
      await expect(attach(archive)).rejects.toThrow(
        `${archive}/manifest.json lists ${DAY0} at ${listed} bytes, but it is ${size} bytes: it is not the file this archive wrote (another archive's, or damaged)`,
      );
    });
  });

  it('stages the spans as they are added, a day at a time in batches of 50,000, and gives up a batch that fails to encode', async () => {
    // 70,000 spans over two days (52,500 on the first: one batch committed while they are added, one at the end),
    // added in pages of 1,000 as a scan or a Clew's export route hands them over.
    const spans: Span[] = [];
    for (let i = 0; spans.length < 70_000; i++) {
      const day = i % 4 === 3 ? DAY : 0n;
      spans.push(...makeTrace((at(i) + day) as UnixNanos, { service: `svc-${i % 5}`, name: 'op', at: 0, ms: 1, children: [{ service: 'db', name: 'q', at: 0.1, ms: 0.2 }] }));
    }
    const out = join(dir, 'paged');
    const w = await RangeArchiveWriter.create(out);
    for (let i = 0; i < spans.length; i += 1000) await w.add(spans.slice(i, i + 1000), 'default');
    const m = await w.finish({ start: at(0), end: (at(0) + 2n * DAY) as UnixNanos });
    const perDay = [spans.filter((s) => s.startTimeUnixNano < at(0) + DAY).length, spans.filter((s) => s.startTimeUnixNano >= at(0) + DAY).length];
    expect(m.files.map((f) => f.spans)).toEqual(perDay);
    const store = await openDuckDBStore({ dir: join(dir, 'empty'), checkpointIntervalMs: 0, rangeArchives: [out] });
    try {
      expect((await store.findTraces({ limit: 1 })).total).toBe(new Set(spans.map((s) => s.traceId)).size);
      for (const k of [0, 777, 52_000, 69_999]) {
        const id = spans[k]!.traceId;
        expect(await store.getTrace(id), id).toEqual(spans.filter((s) => s.traceId === id).sort(byStartThenId));
      }
    } finally {
      await store.close();
    }
    // A span the store cannot encode fails its add; the archive is given up, and nothing of it is left.
    const bad = await RangeArchiveWriter.create(join(dir, 'bad'));
    await bad.add(spans.slice(0, 10), 'default');
    await expect(bad.add([{ ...spans[10]!, traceId: 'not hex' as TraceId }], 'default')).rejects.toThrow();
    await bad.discard();
    await expect(stat(join(dir, 'bad'))).rejects.toThrow('ENOENT');
    // Stopped (Ctrl-C) while it writes its files: the first day's COPY interrupted or the second not begun.
    const stopped = await RangeArchiveWriter.create(join(dir, 'stopped'));
    for (let i = 0; i < spans.length; i += 1000) await stopped.add(spans.slice(i, i + 1000), 'default');
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('stopped by SIGINT')), 0);
    await expect(stopped.finish({ start: at(0), end: (at(0) + 2n * DAY) as UnixNanos }, ctl.signal)).rejects.toThrow('stopped by SIGINT');
    await stopped.discard();
    await expect(stat(join(dir, 'stopped'))).rejects.toThrow('ENOENT');
  });

  it('writes one Parquet file per UTC day and a manifest that DuckDB and a reader of the manifest agree with', async () => {
    const { spans, acme } = await archiveFixture();
    const out = join(dir, 'archive');
    const m = await readManifest(out);
    expect(m.files.map((f) => [f.day, f.spans, f.tenants])).toEqual([
      ['2025-11-24', spans.length, { default: spans.length }],
      ['2025-11-25', acme.length, { acme: acme.length }],
    ]);
    expect(m.tenants).toEqual(['acme', 'default']);
    expect((await readdir(out)).sort()).toEqual(['manifest.json', ...m.files.map((f) => f.file)]);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const rows = (await c.runAndReadAll(`SELECT service, count(*)::INTEGER FROM '${out}/*.parquet' GROUP BY 1 ORDER BY 1`)).getRows();
      const services = new Map<string, number>();
      for (const s of [...spans, ...acme]) services.set(serviceName(s.resource), (services.get(serviceName(s.resource)) ?? 0) + 1);
      expect(rows).toEqual([...services].sort(([a], [b]) => (a < b ? -1 : 1)));
      const a = (await c.runAndReadAll(
        `SELECT trace_id, span_id, name, attributes['user.id'], epoch_ns(start_time)::VARCHAR, tenant FROM '${out}/*.parquet' WHERE attributes['user.id'] = 'u1'`,
      )).getRows();
      const span = spans.find((s) => s.attributes.some((kv) => kv.key === 'user.id'))!;
      expect(a).toEqual([[span.traceId, span.spanId, span.name, 'u1', String(span.startTimeUnixNano), 'default']]);
      const ev = (await c.runAndReadAll(`SELECT events[1].name, events[1].attributes['cache.key'] FROM '${out}/*.parquet' WHERE len(events) > 0 AND trace_id = '${ID.C}'`)).getRows();
      expect(ev).toEqual([[spans.find((s) => s.traceId === ID.C && s.events.length > 0)!.events[0]!.name, 'k1']]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
