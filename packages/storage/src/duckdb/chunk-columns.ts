import duckdb from '@duckdb/node-bindings';
import { ByteWriter } from './byte-writer.js';

/*
 * Column buffers for DuckDB data chunks, filled from JS and copied to native memory in one call per column:
 * far cheaper than one Appender call per value. Only strings longer than 12 bytes cost a native call each;
 * shorter ones are written inline into DuckDB's 16-byte string slot (length, then the bytes).
 */
export const CHUNK_ROWS = duckdb.vector_size();

/** Validity bits (set = valid), in the uint64 words DuckDB expects, viewed as little-endian uint32 words. */
class Validity {
  readonly words = new Uint32Array(Math.ceil(CHUNK_ROWS / 64) * 2).fill(0xffffffff);
  private any = false;
  /** Once a chunk had nulls, later ones copy their bits too, in case DuckDB's reset keeps the old mask. */
  private wrote = false;

  setNull(row: number): void {
    this.words[row >>> 5]! &= ~(1 << (row & 31));
    this.any = true;
  }

  flush(v: duckdb.Vector, rows: number): void {
    if (!this.any && !this.wrote) return;
    this.wrote = true;
    duckdb.vector_ensure_validity_writable(v);
    duckdb.copy_data_to_vector_validity(v, 0, this.words.buffer, 0, Math.ceil(rows / 64) * 8);
    this.clear();
  }

  clear(): void {
    if (this.any) this.words.fill(0xffffffff);
    this.any = false;
  }
}

/** A fixed-width column; write through whichever view fits the type. */
export class FixedColumn {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly validity = new Validity();

  constructor(readonly width: number) {
    this.buffer = new ArrayBuffer(CHUNK_ROWS * width);
    this.u8 = new Uint8Array(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
  }

  flush(v: duckdb.Vector, rows: number): void {
    duckdb.copy_data_to_vector(v, 0, this.buffer, 0, rows * this.width);
    this.validity.flush(v, rows);
  }

  clear(): void {
    this.validity.clear();
  }
}

export class BigUintColumn extends FixedColumn {
  readonly u64 = new BigUint64Array(this.buffer);
  constructor() {
    super(8);
  }
}

export class BigIntColumn extends FixedColumn {
  readonly i64 = new BigInt64Array(this.buffer);
  constructor() {
    super(8);
  }
}

/** A VARCHAR column whose values are written as UTF-8 into one buffer per chunk. */
export class StringColumn {
  private readonly slots = new FixedColumn(16);
  /** Where values are written: between begin() and end(), or by set(). */
  readonly writer = new ByteWriter(64 * 1024);
  /**
   * row, start, end of each value too long to inline, `longs` of them. Typed and kept, not an array emptied per chunk:
   * that array grew again in every chunk, copying itself each time (about 4% of what a Clew's ingest allocated).
   */
  private long = new Int32Array(CHUNK_ROWS * 3);
  private longs = 0;
  private start = 0;

  set(row: number, s: string | null | undefined): void {
    if (s == null) this.slots.validity.setNull(row);
    else {
      this.begin();
      this.writer.plain(s);
      this.end(row);
    }
  }

  begin(): void {
    this.start = this.writer.at;
  }

  /** The bytes written since begin() are the value of `row`. */
  end(row: number): void {
    const w = this.writer;
    const n = w.at - this.start;
    if (n > 12) {
      // Room for one value per row of a chunk; grown should a caller ever set a row twice.
      let long = this.long;
      const at = this.longs * 3;
      if (at === long.length) {
        long = new Int32Array(long.length * 2);
        long.set(this.long);
        this.long = long;
      }
      long[at] = row;
      long[at + 1] = this.start;
      long[at + 2] = w.at;
      this.longs++;
      return;
    }
    // Inline in the slot: the length, then the bytes, zero-padded (equality compares the whole slot). Copied by a
    // loop: a subarray to set() from was an object per value (4-5% of encoding a span).
    const u8 = this.slots.u8;
    const at = row * 16 + 4;
    const bytes = w.bytes;
    const from = this.start;
    for (let i = 0; i < n; i++) u8[at + i] = bytes[from + i]!;
    for (let i = n; i < 12; i++) u8[at + i] = 0;
    this.slots.u32[row * 4] = n;
    w.at = this.start;
  }

  flush(v: duckdb.Vector, rows: number): void {
    this.slots.flush(v, rows);
    const { long } = this;
    const bytes = this.writer.bytes;
    const n = this.longs * 3;
    for (let i = 0; i < n; i += 3) duckdb.vector_assign_string_element_len(v, long[i]!, bytes.subarray(long[i + 1]!, long[i + 2]!));
    this.clear();
  }

  clear(): void {
    this.slots.clear();
    this.longs = 0;
    this.writer.at = 0;
  }
}
