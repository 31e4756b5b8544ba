import {
  DuckDBBigIntType,
  DuckDBBooleanType,
  DuckDBDataChunk,
  DuckDBUBigIntType,
  DuckDBUHugeIntType,
  DuckDBUIntegerType,
  DuckDBUTinyIntType,
  DuckDBVarCharType,
} from './node-api.js';
import duckdb from '@duckdb/node-bindings';
import type { Span } from '@clew/model';
import { anyValueToString } from '@clew/model';
import type { AttrBloom } from './attr-bloom.js';
import { BigIntColumn, BigUintColumn, CHUNK_ROWS, FixedColumn, StringColumn } from './chunk-columns.js';
import { putSpanId, putTraceId } from './hex-ids.js';
import { TYPED_ATTRIBUTES } from './schema.js';
import { writeBody } from './span-codec.js';

const TYPED_COUNT = TYPED_ATTRIBUTES.size;
const TYPED_INDEX = new Map([...TYPED_ATTRIBUTES.keys()].map((k, i) => [k, i]));

/** The types of the `spans` columns, in table order (see SPAN_COLUMNS). */
const TYPES = [
  DuckDBUHugeIntType.instance,
  DuckDBUBigIntType.instance,
  DuckDBUBigIntType.instance,
  DuckDBUBigIntType.instance,
  DuckDBBigIntType.instance,
  DuckDBVarCharType.instance,
  DuckDBUTinyIntType.instance,
  DuckDBUTinyIntType.instance,
  DuckDBUIntegerType.instance,
  DuckDBUIntegerType.instance,
  DuckDBUIntegerType.instance,
  DuckDBVarCharType.instance,
  ...Array.from({ length: TYPED_COUNT }, () => DuckDBVarCharType.instance),
  DuckDBBooleanType.instance,
  DuckDBUIntegerType.instance,
];

/** Data chunks whose rows were appended, kept for the next batch: a chunk is native memory, made once. */
const spare: DuckDBDataChunk[] = [];
const MAX_SPARE = 64;

/** Gives appended chunks back for reuse (their rows are in DuckDB's own storage by then). */
export function releaseChunks(chunks: readonly DuckDBDataChunk[]): void {
  for (const c of chunks) if (spare.length < MAX_SPARE) spare.push(c);
}

/**
 * Spans as rows of the `spans` table, written column-wise into JS buffers and copied into native data chunks
 * 2,048 rows at a time (`take` gives them, to append later). One batch at a time: its spans are added, and its chunks
 * taken, before another batch's are added (span-writer's BatchEncoder holds one while its batch is open).
 */
export class SpanChunk {
  private filled: DuckDBDataChunk[] = [];
  private readonly traceId = new FixedColumn(16);
  private readonly spanId = new FixedColumn(8);
  private readonly parentId = new FixedColumn(8);
  private readonly start = new BigUintColumn();
  private readonly duration = new BigIntColumn();
  private readonly name = new StringColumn();
  private readonly kind = new FixedColumn(1);
  private readonly status = new FixedColumn(1);
  private readonly resId = new FixedColumn(4);
  private readonly scopeId = new FixedColumn(4);
  private readonly blk = new FixedColumn(4);
  private readonly body = new StringColumn();
  private readonly typed = Array.from({ length: TYPED_COUNT }, () => new StringColumn());
  private readonly spill = new FixedColumn(1);
  private readonly tenant = new FixedColumn(4);
  private readonly columns = [
    this.traceId, this.spanId, this.parentId, this.start, this.duration, this.name, this.kind, this.status,
    this.resId, this.scopeId, this.blk, this.body, ...this.typed, this.spill, this.tenant,
  ];
  private rows = 0;
  private lastTrace = '';
  private readonly typedValues: (string | undefined)[] = new Array(TYPED_COUNT);

  /**
   * Adds one span, copying the rows into a data chunk when they fill one. When the span's trace differs from the
   * previous span's, pushes the trace id's two lowest words onto `traces` (for the trace blooms); attribute entries
   * go into `bloom`.
   */
  add(s: Span, tenantId: number, resId: number, scopeId: number, blk: number, traces: number[], bloom: AttrBloom): void {
    const r = this.rows;
    const ids = this.traceId.u32;
    if (r > 0 && s.traceId === this.lastTrace) ids.copyWithin(r * 4, r * 4 - 4, r * 4);
    else {
      putTraceId(s.traceId, ids, r * 4);
      // As int32 (the bloom's keys take the words' bits alone): a word past 2^31 read from the Uint32Array is a heap
      // number, and the first of them changed the list's kind and made V8 recompile this method twice over.
      if (s.traceId !== this.lastTrace) traces.push(ids[r * 4]! | 0, ids[r * 4 + 1]! | 0);
    }
    this.lastTrace = s.traceId;
    putSpanId(s.spanId, this.spanId.u32, r * 2);
    if (s.parentSpanId === null) this.parentId.validity.setNull(r);
    else putSpanId(s.parentSpanId, this.parentId.u32, r * 2);
    this.start.u64[r] = s.startTimeUnixNano;
    // A BigInt64Array keeps the low 64 bits as BigInt.asIntN(64) would, without a second bigint made per span.
    this.duration.i64[r] = s.endTimeUnixNano - s.startTimeUnixNano;
    this.name.set(r, s.name);
    this.kind.u8[r] = s.kind;
    this.status.u8[r] = s.status.code;
    this.resId.u32[r] = resId;
    this.scopeId.u32[r] = scopeId;
    this.blk.u32[r] = blk;
    this.body.begin();
    writeBody(this.body.writer, s, bloom);
    this.body.end(r);
    this.spill.u8[r] = this.typedAttributes(s) ? 1 : 0;
    for (let i = 0; i < TYPED_COUNT; i++) this.typed[i]!.set(r, this.typedValues[i]);
    this.tenant.u32[r] = tenantId;
    if (++this.rows === CHUNK_ROWS) this.seal();
  }

  /** Fills typedValues; true when a typed key occurs twice on the span or at all in its events (a spill). */
  private typedAttributes(s: Span): boolean {
    const typed = this.typedValues;
    typed.fill(undefined);
    let spill = false;
    // Indexed, not for…of: see writeAttributes.
    const attrs = s.attributes;
    for (let k = 0; k < attrs.length; k++) {
      const kv = attrs[k]!;
      const i = TYPED_INDEX.get(kv.key);
      if (i === undefined) continue;
      if (typed[i] !== undefined) spill = true;
      else typed[i] = anyValueToString(kv.value);
    }
    const events = s.events;
    for (let k = 0; k < events.length; k++) for (const kv of events[k]!.attributes) if (TYPED_INDEX.has(kv.key)) spill = true;
    return spill;
  }

  /** The data chunks of every span added since the last take, in order; the next span starts a new batch. */
  take(): DuckDBDataChunk[] {
    this.seal();
    const out = this.filled;
    this.filled = [];
    this.lastTrace = '';
    return out;
  }

  /** Copies the rows added since the last seal into a data chunk. */
  private seal(): void {
    const rows = this.rows;
    if (rows === 0) return;
    const chunk = spare.pop() ?? DuckDBDataChunk.create(TYPES);
    const c = chunk.chunk;
    duckdb.data_chunk_reset(c);
    duckdb.data_chunk_set_size(c, rows);
    for (let i = 0; i < this.columns.length; i++) this.columns[i]!.flush(duckdb.data_chunk_get_vector(c, i), rows);
    this.filled.push(chunk);
    this.rows = 0;
  }

  /** Forgets the rows and chunks not yet taken (after an encoding that threw). */
  discard(): void {
    for (const col of this.columns) col.clear();
    releaseChunks(this.filled);
    this.filled = [];
    this.rows = 0;
    this.lastTrace = '';
  }
}
