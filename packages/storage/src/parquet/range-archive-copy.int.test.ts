import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Span, Tenant, TraceId, UnixNanos } from '@clew/model';
import { anyValueToString, int, str } from '@clew/model';
import { makeResource, makeTrace } from '@clew/model/testing';
import { fullSpan } from '../conformance/full-span.js';
import { at, byStartThenId, ID, searchFixture } from '../conformance/fixtures.js';
import type { DuckDBStore } from '../duckdb/duckdb-store.js';
import { openDuckDBStore } from '../duckdb/duckdb-store.js';
import { scanSpans } from '../scan-spans.js';
import type { Partition } from '../duckdb/partition.js';
import type { ArchiveOptions, StoreArchiveRequest } from './range-archive-copy.js';
import { copyRangeArchive } from './range-archive-copy.js';
import type { RangeArchiveManifest } from './range-archive-manifest.js';
import { readManifest } from './range-archive-manifest.js';
import { RangeArchiveWriter } from './range-archive-writer.js';

const DAY = 86_400_000_000_000n;
const FULL = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0' as TraceId;
const LATE = '1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e' as TraceId;
const ACME = 'acacacacacacacacacacacacacacacac' as TraceId;
/** Arrival days of the two live partitions (the store's clock), well after the spans' own starts. */
const ARRIVAL = (BigInt(Date.UTC(2026, 0, 10)) * 1_000_000n) as UnixNanos;

describe('range archive written by the store itself (clew archive -d)', () => {
  let dir: string;
  let store: DuckDBStore;
  let spans: Span[];
  let acme: Span[];

  /**
   * A live store of two partitions (two days of arrival). The first holds the search fixture and the full span (day
   * 0), and an acme trace (day 1); the second, spans that arrived a day late: a trace of other services, a child of
   * trace A starting on day 1, a frontend span whose resource the first partition numbers otherwise, and, after a
   * span of tenant zeta (so that acme has another id there), two more spans of the acme trace.
   */
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-range-archive-copy-'));
    let now = ARRIVAL;
    store = await openDuckDBStore({ dir: join(dir, 'live'), checkpointIntervalMs: 0, now: () => now });
    const first = [...searchFixture(), fullSpan(FULL)];
    acme = makeTrace((at(0) + DAY) as UnixNanos, { service: 'acme-api', name: 'GET /acme', at: 0, ms: 5, children: [{ service: 'acme-db', name: 'SELECT', at: 1, ms: 2 }] })
      .map((s) => ({ ...s, traceId: ACME }));
    await store.append(first);
    await store.append(acme, undefined, [{ tenant: 'acme', spans: acme.length }]);
    now = (ARRIVAL + DAY) as UnixNanos;
    const late = makeTrace(at(5000), {
      service: 'late-worker', name: 'drain', at: 0, ms: 20,
      attributes: [{ key: 'queue', value: str('q1') }, { key: 'queue', value: str('q2') }, { key: 'n', value: int(3) }],
      children: [{ service: 'late-db', name: 'INSERT', at: 2, ms: 4 }],
    }, LATE);
    const rootA = first.find((s) => s.traceId === ID.A && s.parentSpanId === null)!;
    const lateChildOfA = { ...rootA, spanId: 'a0a0a0a0a0a0a0a0' as Span['spanId'], parentSpanId: rootA.spanId, name: 'after midnight',
      startTimeUnixNano: (at(0) + DAY + 10n) as UnixNanos, endTimeUnixNano: (at(0) + DAY + 20n) as UnixNanos };
    const frontend = { ...rootA, traceId: LATE, spanId: 'f1f1f1f1f1f1f1f1' as Span['spanId'], parentSpanId: late[0]!.spanId, name: 'callback',
      resource: makeResource('frontend') };
    await store.append([...late, lateChildOfA, frontend]);
    const zeta = makeTrace((at(0) + DAY) as UnixNanos, { service: 'zeta-api', name: 'GET /zeta', at: 0, ms: 1 });
    await store.append(zeta, undefined, [{ tenant: 'zeta', spans: zeta.length }]);
    const lateAcme = makeTrace((at(0) + DAY + 3_000_000n) as UnixNanos, { service: 'acme-queue', name: 'poll', at: 0, ms: 1, children: [{ service: 'acme-api', name: 'ack', at: 0.5, ms: 0.2 }] })
      .map((s) => ({ ...s, traceId: ACME, ...(s.parentSpanId === null && { parentSpanId: acme[0]!.spanId }) }));
    await store.append(lateAcme, undefined, [{ tenant: 'acme', spans: lateAcme.length }]);
    acme = [...acme, ...lateAcme];
    spans = [...first, ...late, lateChildOfA, frontend];
    expect((await store.stats()).partitions).toBe(2);
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const window = { start: at(0), end: (at(0) + 3n * DAY) as UnixNanos };

  /** The same range archived through the staging writer, from the store's scan (as `clew archive --url` does). */
  async function staged(out: string, tenant: Tenant): Promise<void> {
    const w = await RangeArchiveWriter.create(out);
    for await (const batch of scanSpans(store.forTenant(tenant), window)) await w.add(batch, tenant);
    await w.finish(window);
  }

  /**
   * The store's own archive (copyRangeArchive on one of its reader connections), with `before` awaited ahead of each
   * statement the connection runs: to fail one, or to write to the store at a chosen moment. The statements that fail
   * go into `failed` (their first word and DuckDB's message).
   */
  function archiveHooked(req: StoreArchiveRequest, before: (sql: string) => Promise<void>, opts: ArchiveOptions = {}, failed: string[] = []): Promise<RangeArchiveManifest> {
    const internals = store as unknown as { readers: { use<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> }; partitions: Map<number, Partition> };
    return internals.readers.use((c) => {
      const hooked = new Proxy(c, {
        get(target, prop) {
          if (prop === 'run') {
            return async (sql: string) => {
              await before(sql);
              try {
                return await target.run(sql);
              } catch (e) {
                failed.push(`${sql.split(' ')[0]}: ${(e as Error).message}`);
                throw e;
              }
            };
          }
          const v: unknown = Reflect.get(target, prop);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      return copyRangeArchive(hooked, [...internals.partitions.values()], req, opts);
    });
  }

  async function query<T>(sql: string): Promise<T[][]> {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      return (await c.runAndReadAll(sql)).getRows() as T[][];
    } finally {
      c.closeSync();
      db.closeSync();
    }
  }

  it('writes what the staging writer writes, from spans in two partitions, each resource under one id', async () => {
    const direct = join(dir, 'direct');
    const told: [number, number][] = [];
    const m = await store.writeRangeArchive({ out: direct, ...window, tenant: 'default' }, { progress: (done, total) => told.push([done, total]) });
    await staged(join(dir, 'staged'), 'default');
    const other = await readManifest(join(dir, 'staged'));
    const listed = (files: typeof m.files) => files.map(({ file, day, spans: n, minStart, maxStart, tenants }) => ({ file, day, spans: n, minStart, maxStart, tenants }));
    expect(listed(m.files)).toEqual(listed(other.files));
    expect(m.files.map((f) => f.spans)).toEqual([spans.length - 1, 1]);
    expect({ ...m, createdAt: '', files: [] }).toEqual({ ...other, createdAt: '', files: [] });
    // Told before, after each day (and, while a day is written, from DuckDB's progress through it): never backwards.
    expect(told[0]).toEqual([0, spans.length]);
    expect(told).toContainEqual([spans.length - 1, spans.length]);
    expect(told.at(-1)).toEqual([spans.length, spans.length]);
    expect(told.every(([done, total], i) => total === spans.length && (i === 0 || done >= told[i - 1]![0]))).toBe(true);
    const rows = (archive: string) =>
      query(`SELECT * EXCLUDE (clew_resource_id, clew_scope_id, clew_tenant_id) FROM '${archive}/*.parquet' ORDER BY trace_id, start_time, span_id`);
    const written = await rows(direct);
    expect(written).toHaveLength(spans.length);
    expect(written).toEqual(await rows(join(dir, 'staged')));
    // Numbered afresh per day file: one id per resource and scope, whichever partition the span came from.
    const clashes = (archive: string) => query(
      `SELECT filename, clew_resource_id FROM read_parquet('${archive}/*.parquet', filename = true) GROUP BY ALL HAVING count(DISTINCT clew_resource) > 1
       UNION ALL SELECT filename, clew_scope_id FROM read_parquet('${archive}/*.parquet', filename = true) GROUP BY ALL HAVING count(DISTINCT clew_scope) > 1`,
    );
    expect(await clashes(direct)).toEqual([]);
    // Tenant acme's day is in both partitions too, under another tenant id in each.
    const acmeDirect = join(dir, 'acme-direct');
    const am = await store.writeRangeArchive({ out: acmeDirect, ...window, tenant: 'acme' });
    await staged(join(dir, 'acme-staged'), 'acme');
    expect(listed(am.files)).toEqual(listed((await readManifest(join(dir, 'acme-staged'))).files));
    expect(am.files.map((f) => [f.spans, f.tenants])).toEqual([[acme.length, { acme: acme.length }]]);
    const acmeRows = await rows(acmeDirect);
    expect(acmeRows).toHaveLength(acme.length);
    expect(acmeRows).toEqual(await rows(join(dir, 'acme-staged')));
    expect(await clashes(acmeDirect)).toEqual([]);
  });

  it('gives back every span exactly, by id and by search, each tenant its own', async () => {
    await store.writeRangeArchive({ out: join(dir, 'default'), ...window, tenant: 'default' });
    await store.writeRangeArchive({ out: join(dir, 'acme'), ...window, tenant: 'acme' });
    for (const [archive, tenant, ids] of [['default', 'default', [ID.A, ID.B, ID.C, ID.D, FULL, LATE]], ['acme', 'acme', [ACME]]] as const) {
      const reader = await openDuckDBStore({ dir: join(dir, `empty-${archive}`), checkpointIntervalMs: 0, rangeArchives: [join(dir, archive)] });
      try {
        for (const id of ids) {
          const expected = (tenant === 'acme' ? acme : spans).filter((s) => s.traceId === id).sort(byStartThenId);
          expect(await reader.forTenant(tenant).getTrace(id), id).toEqual(expected);
        }
        expect(await reader.forTenant(tenant === 'acme' ? 'default' : 'acme').getTrace(ids[0]!)).toEqual([]);
        if (tenant === 'default') {
          const found = await reader.findTraces({ service: 'late-db', limit: 10 });
          expect(found.traces.map((t) => t.traceId)).toEqual([LATE]);
          expect(await reader.services()).toEqual(['cart', 'frontend', 'full-service', 'late-db', 'late-worker', 'payment']);
        }
      } finally {
        await reader.close();
      }
    }
  });

  it('with a service, archives the traces having a span of it in the range, whole, under the days they start in', async () => {
    const out = join(dir, 'cart');
    const m = await store.writeRangeArchive({ out, start: at(0), end: at(2500), service: 'cart', tenant: 'default' });
    expect(m.range.service).toBe('cart');
    // A has cart spans at 1010 and 1015; C's cart span starts at 3010, out of the range.
    const a = spans.filter((s) => s.traceId === ID.A);
    expect(m.files.map((f) => [f.day, f.spans])).toEqual([['2025-11-24', a.length - 1], ['2025-11-25', 1]]);
    const ids = await query<string>(`SELECT span_id FROM '${out}/*.parquet' ORDER BY span_id`);
    expect(ids.map((r) => r[0])).toEqual(a.map((s) => s.spanId).sort());
  });

  it('writes each span\'s attributes (a repeated key keeping its first value) and its events\' as maps a data tool reads', async () => {
    const out = join(dir, 'maps');
    await store.writeRangeArchive({ out, ...window, tenant: 'default' });
    const rows = await query<string>(
      `SELECT span_id, to_json(map_keys(attributes))::VARCHAR, to_json(map_values(attributes))::VARCHAR,
         to_json(list_transform(events, e -> [e.name, to_json(map_keys(e.attributes))::VARCHAR, to_json(map_values(e.attributes))::VARCHAR]))::VARCHAR
       FROM '${out}/*.parquet'`,
    );
    expect(rows).toHaveLength(spans.length);
    const firsts = (attrs: Span['attributes']) => {
      const seen = new Map<string, string>();
      for (const kv of attrs) if (!seen.has(kv.key)) seen.set(kv.key, anyValueToString(kv.value));
      return seen;
    };
    // Texts the store escapes (the full span's separators) are left out of the comparison; their keys are not.
    const plain = (v: string) => ![...v].some((ch) => ch >= '\x19' && ch <= '\x1f');
    for (const [spanId, keys, values, events] of rows) {
      const span = spans.find((s) => s.spanId === spanId)!;
      const expected = firsts(span.attributes);
      expect(JSON.parse(keys!), spanId).toEqual([...expected.keys()]);
      const got = JSON.parse(values!) as string[];
      [...expected.values()].forEach((v, i) => plain(v) && expect(got[i], `${spanId} ${[...expected.keys()][i]}`).toBe(v));
      expect(JSON.parse(events!).map((e: [string, string, string]) => [e[0], JSON.parse(e[1]), JSON.parse(e[2])]), spanId).toEqual(
        span.events.map((e) => [e.name, [...firsts(e.attributes).keys()], [...firsts(e.attributes).values()]]),
      );
    }
    // The columns read from the scope's and the body's JSON.
    const columns = await query<string | boolean>(`SELECT span_id, scope_name, scope_version, status_message, json_array_length(links)::INTEGER FROM '${out}/*.parquet'`);
    for (const [spanId, scopeName, scopeVersion, message, links] of columns) {
      const span = spans.find((s) => s.spanId === spanId)!;
      expect([scopeName, scopeVersion, links ?? 0], spanId as string).toEqual([span.scope.name, span.scope.version, span.links.length]);
      if (plain(span.status.message)) expect(message, spanId as string).toBe(span.status.message);
    }
    expect(columns.filter(([, , , message]) => message !== '').length).toBeGreaterThan(1);
    const late = rows.find(([id]) => id === spans.find((s) => s.traceId === LATE && s.parentSpanId === null)!.spanId)!;
    expect([JSON.parse(late[1]!), JSON.parse(late[2]!)]).toEqual([['queue', 'n'], ['q1', '3']]);
  });

  it('writes a day sorted by trace id, start and span id, numbered in blocks of 16,384 spans', async () => {
    // 20,000 spans more on day 0, appended in descending order of trace id.
    const traces: Span[][] = [];
    for (let i = 0, n = 0; n < 20_000; i++) {
      const t = makeTrace((at(0) + BigInt(i) * 1_000_000n) as UnixNanos, { service: `s${i % 3}`, name: 'op', at: 0, ms: 1, children: [{ service: 'db', name: 'q', at: 0.1, ms: 0.5 }] });
      traces.push(t);
      n += t.length;
    }
    const many = traces.reverse().flat();
    await store.append(many);
    const out = join(dir, 'sorted');
    const m = await store.writeRangeArchive({ out, ...window, tenant: 'default' });
    const rows = await query<string | number>(`SELECT trace_id, epoch_ns(start_time)::VARCHAR, span_id, clew_block FROM read_parquet('${out}/${m.files[0]!.file}')`);
    expect(rows).toHaveLength(spans.length - 1 + many.length);
    const key = (r: (string | number)[]) => `${r[0]} ${String(r[1]).padStart(20, '0')} ${r[2]}`;
    const outOfOrder = rows.filter((r, i) => i > 0 && key(rows[i - 1]!) > key(r)).length;
    const misnumbered = rows.filter((r, i) => r[3] !== Math.floor(i / 16_384)).length;
    expect({ outOfOrder, misnumbered, blocks: new Set(rows.map((r) => r[3])).size }).toEqual({ outOfOrder: 0, misnumbered: 0, blocks: 2 });
  });

  it('given up half way, removes what it wrote: the directory it made, or its files in one that was there', async () => {
    /** The archive, its second day's COPY failing (the first day's file is written by then). */
    const failing = (out: string) => {
      let copies = 0;
      return archiveHooked({ out, ...window, tenant: 'default' }, async (sql) => {
        if (sql.startsWith('COPY') && ++copies === 2) throw new Error('disk full');
      });
    };
    await expect(failing(join(dir, 'made', 'here'))).rejects.toThrow('disk full');
    await expect(stat(join(dir, 'made'))).rejects.toThrow('ENOENT');
    const there = join(dir, 'there');
    await mkdir(there);
    await writeFile(join(there, 'README'), 'kept');
    await expect(failing(there)).rejects.toThrow('disk full');
    expect(await readdir(there)).toEqual(['README']);
    // And the store goes on: the connection's transaction was rolled back.
    expect((await store.writeRangeArchive({ out: there, ...window, tenant: 'default' })).spans).toBe(spans.length);
  });

  it('counts and copies one snapshot: spans appended while it runs are in neither the files nor the manifest', async () => {
    const meanwhile = makeTrace((at(0) + DAY + 7_000_000n) as UnixNanos, { service: 'acme-api', name: 'meanwhile', at: 0, ms: 1 });
    let appended = false;
    const out = join(dir, 'snapshot');
    // The span is appended (into the partition of now, one of the day's two) after the counts, before the day's COPY.
    const m = await archiveHooked({ out, ...window, tenant: 'acme' }, async (sql) => {
      if (!appended && sql.startsWith('COPY')) {
        appended = true;
        await store.append(meanwhile, undefined, [{ tenant: 'acme', spans: meanwhile.length }]);
      }
    });
    expect(appended).toBe(true);
    expect(await store.forTenant('acme').getTrace(meanwhile[0]!.traceId)).toEqual(meanwhile);
    const written = await query<number>(`SELECT count(*)::INTEGER FROM '${out}/*.parquet'`);
    expect([m.spans, written[0]![0]]).toEqual([acme.length, acme.length]);
  });

  it('tells of each day file once written, before the next, and holds its partitions from retention until it ends', async () => {
    const told: string[] = [];
    let dropped: number | undefined;
    const out = join(dir, 'held');
    // Retention's cutoff is past both partitions: while the archive runs, it drops neither.
    const cutoff = (ARRIVAL + 10n * DAY) as UnixNanos;
    const m = await store.writeRangeArchive({ out, ...window, tenant: 'default' }, {
      onFile: async (day, path) => {
        told.push(`${day.file} ${(await stat(path)).size === day.bytes} ${(await readdir(out)).filter((f) => f.endsWith('.parquet')).length}`);
        dropped ??= await store.dropBefore(cutoff);
      },
    });
    expect(m.files.length).toBe(2);
    expect(told).toEqual(m.files.map((f, i) => `${f.file} true ${i + 1}`));
    expect(dropped).toBe(0);
    expect((await readManifest(out)).spans).toBe(spans.length);
    // A handler that fails (a client gone) fails the archive, which removes what it wrote.
    await expect(store.writeRangeArchive({ out: join(dir, 'refused'), ...window, tenant: 'default' }, {
      onFile: async () => {
        throw new Error('the client went away');
      },
    })).rejects.toThrow('the client went away');
    await expect(stat(join(dir, 'refused'))).rejects.toThrow('ENOENT');
    // An archive holds only the partitions it reads: of a range without spans, none.
    let dropping: Promise<number> | undefined;
    const empty = await store.writeRangeArchive({ out: join(dir, 'empty'), start: at(0) - 10n * DAY as UnixNanos, end: at(0) - 9n * DAY as UnixNanos, tenant: 'default' }, {
      progress: () => void (dropping ??= store.dropBefore(cutoff)),
    });
    expect([empty.spans, await dropping]).toEqual([0, 2]);
  });

  it('stops when its signal is aborted, between days or during a COPY, removing what it wrote; the store goes on', async () => {
    // Between days: aborted once the first day's file is written.
    const between = new AbortController();
    await expect(store.writeRangeArchive({ out: join(dir, 'between'), ...window, tenant: 'default' }, {
      onFile: async () => between.abort(new Error('stopped by SIGINT')),
      signal: between.signal,
    })).rejects.toThrow('stopped by SIGINT');
    await expect(stat(join(dir, 'between'))).rejects.toThrow('ENOENT');
    // During the first day's COPY (20,000 spans more on day 0, so that it takes a while).
    const traces: Span[] = [];
    for (let i = 0; traces.length < 20_000; i++) {
      traces.push(...makeTrace((at(0) + BigInt(i) * 1_000_000n) as UnixNanos, { service: 'busy', name: 'op', at: 0, ms: 1, children: [{ service: 'db', name: 'q', at: 0.1, ms: 0.5 }] }));
    }
    await store.append(traces);
    const during = new AbortController();
    const there = join(dir, 'during');
    await mkdir(there);
    const failed: string[] = [];
    const copy = archiveHooked({ out: there, ...window, tenant: 'default' }, async (sql) => {
      if (sql.startsWith('COPY')) setTimeout(() => during.abort(new Error('stopped by SIGTERM')), 0);
    }, { signal: during.signal }, failed);
    await expect(copy).rejects.toThrow('stopped by SIGTERM');
    // The COPY itself was interrupted, not let run to its end.
    expect(failed).toEqual(['COPY: INTERRUPT Error: Interrupted!']);
    expect(await readdir(there)).toEqual([]);
    // The connection's transaction was rolled back and its interrupt spent: the next archive is whole.
    expect((await store.writeRangeArchive({ out: there, ...window, tenant: 'default' })).spans).toBe(spans.length + traces.length);
  });

  it('refuses a directory that holds an archive, and a tenant name that is none, making no directory', async () => {
    await store.writeRangeArchive({ out: join(dir, 'a'), ...window, tenant: 'default' });
    await expect(store.writeRangeArchive({ out: join(dir, 'a'), ...window, tenant: 'default' })).rejects.toThrow('already holds an archive');
    expect((await readManifest(join(dir, 'a'))).spans).toBe(spans.length);
    await expect(store.writeRangeArchive({ out: join(dir, 'b'), ...window, tenant: 'not a tenant' as Tenant })).rejects.toThrow('not a tenant');
    await expect(stat(join(dir, 'b'))).rejects.toThrow('ENOENT');
  });
});
