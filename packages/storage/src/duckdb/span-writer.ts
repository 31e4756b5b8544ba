import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Span } from '@clew/model';
import { anyValueToString, serviceName } from '@clew/model';
import type { Partition } from './partition.js';
import { BLOCK_SPANS } from './partition.js';
import { TYPED_ATTRIBUTES } from './schema.js';
import { encodeEvents, encodeRest, encodeResource, encodeScope } from './span-codec.js';
import { traceWords } from './trace-bloom.js';
import { encodeAttributes } from './value-codec.js';
import { bigint, ubigint, uint } from './sql.js';

const TYPED_COUNT = TYPED_ATTRIBUTES.size;
const TYPED_INDEX = new Map([...TYPED_ATTRIBUTES.keys()].map((k, i) => [k, i]));

/** Encodings of resources and scopes seen before, by object: decoders share them by reference. */
const resourceEnc = new WeakMap<object, string>();
const scopeEnc = new WeakMap<object, string>();

function cachedEnc<T extends object>(cache: WeakMap<object, string>, o: T, enc: (o: T) => string): string {
  let s = cache.get(o);
  if (s === undefined) cache.set(o, (s = enc(o)));
  return s;
}

/**
 * Writes one batch into a partition inside one transaction: new resources and scopes, the spans (through the
 * Appender, which joins the connection's open transaction), and the meta row with the walPosition. Either all of
 * it commits or none of it does.
 */
export async function writeBatch(conn: DuckDBConnection, p: Partition, spans: readonly Span[], wal?: bigint): Promise<void> {
  const newResources: [number, Span['resource'], string][] = [];
  const newScopes: [number, Span['scope'], string][] = [];
  const resIds = new Map<string, number>();
  const scopeIds = new Map<string, number>();
  const idOf = (
    enc: string,
    known: Map<string, number>,
    pending: Map<string, number>,
    size: number,
    add: (id: number) => void,
  ): number => {
    let id = known.get(enc) ?? pending.get(enc);
    if (id === undefined) {
      id = size + pending.size + 1;
      pending.set(enc, id);
      add(id);
    }
    return id;
  };
  const rows = spans.map((s) => {
    const re = cachedEnc(resourceEnc, s.resource, encodeResource);
    const se = cachedEnc(scopeEnc, s.scope, encodeScope);
    const r = idOf(re, p.resourceIds, resIds, p.resources.size, (id) => newResources.push([id, s.resource, re]));
    const sc = idOf(se, p.scopeIds, scopeIds, p.scopes.size, (id) => newScopes.push([id, s.scope, se]));
    return [s, r, sc] as const;
  });

  const meta = { ...p.meta };
  const blk = meta.blk;
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const [id, r, enc] of newResources) {
      await conn.run(`INSERT INTO ${p.alias}.resources VALUES (${uint(id)}, $1, $2)`, [serviceName(r), enc]);
    }
    for (const [id, , enc] of newScopes) await conn.run(`INSERT INTO ${p.alias}.scopes VALUES (${uint(id)}, $1)`, [enc]);
    const appender = await conn.createAppender('spans', 'main', p.alias);
    try {
      for (const [s, r, sc] of rows) appendSpan(appender, s, r, sc, blk);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    for (const [s] of rows) {
      const st = s.startTimeUnixNano;
      if (meta.minStart === null || st < meta.minStart) meta.minStart = st;
      if (meta.maxStart === null || st > meta.maxStart) meta.maxStart = st;
    }
    meta.spans += BigInt(spans.length);
    meta.blkSpans += spans.length;
    if (meta.blkSpans >= BLOCK_SPANS) {
      meta.blk++;
      meta.blkSpans = 0;
    }
    if (wal !== undefined && wal > meta.wal) meta.wal = wal;
    await conn.run(
      `UPDATE ${p.alias}.meta SET wal = ${ubigint(meta.wal)}, min_start = ${ubigint(meta.minStart!)},
         max_start = ${ubigint(meta.maxStart!)}, spans = ${ubigint(meta.spans)}, blk = ${uint(meta.blk)},
         blk_spans = ${bigint(BigInt(meta.blkSpans))}`,
    );
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  // Only now, after the commit, does the in-memory view change.
  p.meta = meta;
  p.dirty = true;
  for (const [id, r, enc] of newResources) p.addResource(id, r, enc);
  for (const [id, s, enc] of newScopes) p.addScope(id, s, enc);
  const bloom = p.bloom(blk);
  for (const [s] of rows) bloom.add(...traceWords(s.traceId));
}

let lastTraceHex = '';
let lastTraceBig = 0n;

function appendSpan(a: DuckDBAppender, s: Span, resId: number, scopeId: number, blk: number): void {
  if (s.traceId !== lastTraceHex) {
    lastTraceHex = s.traceId;
    lastTraceBig = BigInt('0x' + s.traceId);
  }
  a.appendUHugeInt(lastTraceBig);
  a.appendUBigInt(BigInt('0x' + s.spanId));
  if (s.parentSpanId === null) a.appendNull();
  else a.appendUBigInt(BigInt('0x' + s.parentSpanId));
  a.appendUBigInt(s.startTimeUnixNano);
  a.appendBigInt(BigInt.asIntN(64, s.endTimeUnixNano - s.startTimeUnixNano));
  a.appendVarchar(s.name);
  a.appendUTinyInt(s.kind);
  a.appendUTinyInt(s.status.code);
  a.appendUInteger(resId);
  a.appendUInteger(scopeId);
  a.appendUInteger(blk);
  a.appendVarchar(encodeAttributes(s.attributes));
  const events = encodeEvents(s.events, s.startTimeUnixNano);
  if (events === null) a.appendNull();
  else a.appendVarchar(events);
  const rest = encodeRest(s);
  if (rest === null) a.appendNull();
  else a.appendVarchar(rest);
  const typed: (string | undefined)[] = new Array(TYPED_COUNT);
  let spill = false;
  for (const kv of s.attributes) {
    const i = TYPED_INDEX.get(kv.key);
    if (i === undefined) continue;
    if (typed[i] !== undefined) spill = true;
    else typed[i] = anyValueToString(kv.value);
  }
  for (const e of s.events) for (const kv of e.attributes) if (TYPED_INDEX.has(kv.key)) spill = true;
  for (let i = 0; i < TYPED_COUNT; i++) {
    const v = typed[i];
    if (v === undefined) a.appendNull();
    else a.appendVarchar(v);
  }
  a.appendBoolean(spill);
  a.endRow();
}
