import { latencyKeyValue, latencyQuantileKey } from '@clew/analysis';
import type { LatencyBins } from '@clew/model';
import type { DenseCounts } from './bins-accumulator.js';

/*
 * Latency bins as one short ASCII string per row, so that DuckDB can concatenate a group's rows in SQL
 * (`string_agg`) and hand JavaScript one string per series instead of one value per row: every value DuckDB hands
 * over as a BLOB is a separate native buffer, and those buffers, not the merging, were what a query spent its time
 * on (see the README). Self-delimiting, so concatenations decode in sequence. Exact both ways.
 *
 * Layout: flags, bin count, zero count, the first key (zigzag) then the gaps between keys (consecutive keys cost
 * one character), then the counts. Numbers are base-32 varints, one character per 5 bits ('?' + 0–31, '_' + 0–31
 * with a continuation). Counts that are not all whole numbers are written as JavaScript's shortest exact decimal,
 * each ended by ','.
 */

const FLOAT_COUNTS = 1;
const MAX_VARINT = 2 ** 53 - 1;
const BASE = 0x3f; // '?'; digits run to '~' (0x7e)
const MORE = 32;
const END_FLOAT = 0x2c; // ','

const isWhole = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= MAX_VARINT;
const zigzag = (n: number): number => (n < 0 ? -2 * n - 1 : 2 * n);
const unzigzag = (n: number): number => (n % 2 === 1 ? -(n + 1) / 2 : n / 2);

let codes: number[] = [];

function varint(v: number): void {
  while (v >= MORE) {
    codes.push(BASE + MORE + (v % MORE));
    v = Math.floor(v / MORE);
  }
  codes.push(BASE + v);
}

function float(v: number): void {
  const s = String(v);
  for (let i = 0; i < s.length; i++) codes.push(s.charCodeAt(i));
  codes.push(END_FLOAT);
}

/** The encoding of `bins`. */
export function encodeBins(bins: LatencyBins): string {
  const { keys, counts, zeroCount } = bins;
  const whole = isWhole(zeroCount) && counts.every(isWhole);
  codes = [];
  varint(whole ? 0 : FLOAT_COUNTS);
  varint(keys.length);
  if (whole) varint(zeroCount);
  else float(zeroCount);
  for (let i = 0; i < keys.length; i++) varint(i === 0 ? zigzag(keys[i]!) : keys[i]! - keys[i - 1]!);
  for (const c of counts) {
    if (whole) varint(c);
    else float(c);
  }
  let s = '';
  for (let i = 0; i < codes.length; i += 4096) s += String.fromCharCode(...codes.slice(i, i + 4096));
  return s;
}

/** Keys of the bins addNextTo is reading (they come before their counts). */
let keyBuffer = new Float64Array(1024);
/** The same for addNextInto, as indices of a DenseCounts. */
let indexBuffer = new Int32Array(1024);

/**
 * latencyKeyValue of the keys summaries hold (a summary is five keys, and a read decodes thousands): computed once
 * per key, for keys within ±32768 (NaN marks one not computed yet).
 */
const KEY_OFFSET = 1 << 15;
const keyValues = new Float64Array(2 * KEY_OFFSET).fill(NaN);

function keyValue(key: number): number {
  const i = key + KEY_OFFSET;
  if (!(i >= 0 && i < keyValues.length)) return latencyKeyValue(key);
  let v = keyValues[i]!;
  if (Number.isNaN(v)) keyValues[i] = v = latencyKeyValue(key);
  return v;
}

const UNREAD = { summary: undefined, bins: false, chars: undefined, unread: true } as const;

/** Reads bins encoded one after another in a string. */
export class BinsReader {
  pos = 0;

  constructor(private readonly s: string) {}

  get done(): boolean {
    return this.pos >= this.s.length;
  }

  private varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const c = this.s.charCodeAt(this.pos++) - BASE;
      if (!(c >= 0 && c < 2 * MORE)) throw new Error(`latency bins: bad character at ${this.pos - 1}`);
      if (c < MORE) return v + c * scale;
      v += (c - MORE) * scale;
      scale *= MORE;
    }
  }

  private float(): number {
    const end = this.s.indexOf(',', this.pos);
    if (end < 0) throw new Error('latency bins: unterminated number');
    const v = Number(this.s.slice(this.pos, end));
    this.pos = end + 1;
    return v;
  }

  /** A decimal number written by SQL before bins, ended by ',' or ';'. */
  decimal(): number {
    // Most are whole (bucket numbers, and sums DuckDB writes as "315639000000.0"): read digit by digit. Anything
    // else (a fraction, an exponent, more digits than a double always holds exactly) goes to Number.
    let pos = this.pos;
    const negative = this.s.charCodeAt(pos) === 0x2d;
    if (negative) pos++;
    const first = pos;
    let whole = 0;
    let d = this.s.charCodeAt(pos);
    while (d >= 0x30 && d <= 0x39 && pos - first < 15) {
      whole = whole * 10 + (d - 0x30);
      d = this.s.charCodeAt(++pos);
    }
    if (d === 0x2e && this.s.charCodeAt(pos + 1) === 0x30) d = this.s.charCodeAt((pos += 2));
    if ((d === 0x2c || d === 0x3b) && pos > first) {
      this.pos = pos + 1;
      return negative ? -whole : whole;
    }
    let end = this.pos;
    for (let c = this.s.charCodeAt(end); c !== 0x2c && c !== 0x3b; c = this.s.charCodeAt(end)) {
      if (Number.isNaN(c)) throw new Error('latency bins: unterminated number');
      end++;
    }
    const v = Number(this.s.slice(this.pos, end));
    this.pos = end + 1;
    return v;
  }

  /** The values (nanoseconds) of a summary written by encodeSummary, parallel to SUMMARY_QUANTILES. */
  summary(): number[] {
    const values = new Array<number>(SUMMARY_QUANTILES.length);
    for (let i = 0; i < values.length; i++) {
      const code = this.varint();
      values[i] = code === 0 ? 0 : keyValue(unzigzag(code - 1));
    }
    return values;
  }

  /**
   * What a read writes between a row count and its bins: an optional summary, then ';' when bins follow or '!' when
   * the read left them out (counts only, or a whole point's quantiles), or ':', the bins' length in characters and
   * ';' (a lone row's bins, which a read may step over without decoding them: `chars`); or '#' alone when the read
   * left out bins it needs (`unread`).
   */
  optionalSummary(): { summary: number[] | undefined; bins: boolean; chars: number | undefined; unread?: true } {
    const c = this.s.charCodeAt(this.pos);
    if (c === 0x23) {
      this.pos++;
      return UNREAD;
    }
    const summary = c === 0x3b || c === 0x21 || c === 0x3a ? undefined : this.summary();
    const end = this.s.charCodeAt(this.pos++);
    if (end === 0x3a) return { summary, bins: true, chars: this.decimal() };
    if (end !== 0x3b && end !== 0x21) throw new Error(`latency summary: no ';', '!' or ':' at ${this.pos - 1}`);
    return { summary, bins: end === 0x3b, chars: undefined };
  }

  /**
   * Hands the next bins to `add`, key by key, without building them (no arrays made); returns their zero count.
   * `add` must not read this reader.
   */
  addNextTo(add: (key: number, count: number) => void): number {
    const floats = (this.varint() & FLOAT_COUNTS) !== 0;
    const n = this.varint();
    const zeroCount = floats ? this.float() : this.varint();
    if (keyBuffer.length < n) keyBuffer = new Float64Array(Math.max(n, 2 * keyBuffer.length));
    let k = 0;
    for (let i = 0; i < n; i++) {
      k = i === 0 ? unzigzag(this.varint()) : k + this.varint();
      keyBuffer[i] = k;
    }
    for (let i = 0; i < n; i++) add(keyBuffer[i]!, floats ? this.float() : this.varint());
    return zeroCount;
  }

  /**
   * Adds the next bins to `dense`; returns their zero count. What addNextTo(dense.add) does, in one pass over the
   * text with the common case inline (whole counts, one-character numbers, keys inside the array): merging a
   * Services page's two 24-hour totals (100 services' 34 rows, 2.6 MB of text) took 14.8 ms key by key, 11.2 so.
   * Anything else goes to addNextTo.
   */
  addNextInto(dense: DenseCounts): number {
    const s = this.s;
    const start = this.pos;
    if (s.charCodeAt(start) !== BASE) return this.addNextTo(dense.add); // float counts (or a bad character, which addNextTo reports)
    this.pos = start + 1;
    const n = this.varint();
    const zeroCount = this.varint();
    let pos = this.pos;
    if (indexBuffer.length < n) indexBuffer = new Int32Array(Math.max(n, 2 * indexBuffer.length));
    const offset = dense.offset;
    // Varints are read inline, their rare longer forms too (calling `varint` from this loop, moving `this.pos` back
    // and forth, made it half as fast again), keys then counts in one loop: n keys, each kept as its index, then n
    // counts added at those indices.
    const { counts, seen } = dense;
    let c: number;
    let v: number;
    let scale: number;
    let k = 0;
    let first = 0;
    for (let i = 0; i < 2 * n; i++) {
      c = s.charCodeAt(pos++) - BASE;
      if (c >= 0 && c < MORE) v = c;
      else {
        if (!(c >= 0 && c < 2 * MORE)) throw new Error(`latency bins: bad character at ${pos - 1}`);
        v = c - MORE;
        scale = MORE;
        for (;;) {
          c = s.charCodeAt(pos++) - BASE;
          if (!(c >= 0 && c < 2 * MORE)) throw new Error(`latency bins: bad character at ${pos - 1}`);
          if (c < MORE) break;
          v += (c - MORE) * scale;
          scale *= MORE;
        }
        v += c * scale;
      }
      if (i >= n) {
        const j = indexBuffer[i - n]!;
        counts[j]! += v;
        seen[j] = 1;
        continue;
      }
      if (i === 0) first = (k = unzigzag(v)) + offset;
      else k += v;
      indexBuffer[i] = k + offset;
      // Keys only grow (gaps are never negative), so the first and last bound them all; keys outside the array go
      // the slow way, from the start.
      if (i === n - 1 && !(first >= 0 && k + offset < counts.length)) {
        this.pos = start;
        return this.addNextTo(dense.add);
      }
    }
    if (n > 0) {
      if (first < dense.lo) dense.lo = first;
      if (k + offset > dense.hi) dense.hi = k + offset;
    }
    this.pos = pos;
    return zeroCount;
  }

  /** The next bins. */
  next(): LatencyBins {
    const floats = (this.varint() & FLOAT_COUNTS) !== 0;
    const n = this.varint();
    const zeroCount = floats ? this.float() : this.varint();
    const keys = new Array<number>(n);
    const counts = new Array<number>(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      k = i === 0 ? unzigzag(this.varint()) : k + this.varint();
      keys[i] = k;
    }
    for (let i = 0; i < n; i++) counts[i] = floats ? this.float() : this.varint();
    return { keys, counts, zeroCount };
  }
}

/**
 * One stored row's bins, decoded only when asked for, with the values of the quantiles its row kept (SUMMARY_QUANTILES;
 * absent on rows that kept none): a point made of this row alone answers those without decoding its bins.
 */
export class StoredBins {
  private decoded: LatencyBins | undefined;
  private streamed = false;

  /** The bins encoded at `pos` of `text` (a concatenation the row's read returned); null when the read left them out. */
  constructor(
    private readonly text: string | null,
    private readonly pos: number,
    readonly chars: number,
    readonly summary: readonly number[] | undefined,
  ) {}

  get bins(): LatencyBins {
    if (this.decoded === undefined) {
      // A read leaves bins out only where no other row can meet them (see readSpanMetrics).
      if (this.text === null) throw new Error('latency bins: this point was read without its bins');
      const reader = new BinsReader(this.text);
      reader.pos = this.pos;
      this.decoded = reader.next();
    }
    return this.decoded;
  }

  /**
   * Adds the bins to `dense`; returns their zero count. The first time straight from the text (most rows of a read
   * are merged once, and decoding each first made most of a cold read's garbage); after that decoded, and kept (a
   * cached period is merged again by every read of a window that holds it).
   */
  addTo(dense: DenseCounts): number {
    if (this.decoded === undefined && this.text !== null && !this.streamed) {
      this.streamed = true;
      const reader = new BinsReader(this.text);
      reader.pos = this.pos;
      return reader.addNextInto(dense);
    }
    const { keys, counts, zeroCount } = this.bins;
    dense.addAll(keys, counts);
    return zeroCount;
  }
}

/** Decoded bins, from either form. */
export const binsOf = (b: LatencyBins | StoredBins): LatencyBins => (b instanceof StoredBins ? b.bins : b);

/** Decodes one encoded bins. */
export const decodeBins = (s: string): LatencyBins => new BinsReader(s).next();

/**
 * The quantiles a tier row keeps beside its bins (column `q`): the ones pages and Jaeger's Monitor tab ask for. A
 * point made of one such row answers them without its bins being read.
 */
export const SUMMARY_QUANTILES: readonly number[] = [0.5, 0.75, 0.9, 0.95, 0.99];

/**
 * The keys of `bins` at SUMMARY_QUANTILES, as varints in the bins' alphabet (0 for a zero duration, else the
 * zigzagged key + 1); null for empty bins, which have no quantiles.
 */
export function encodeSummary(bins: LatencyBins): string | null {
  codes = [];
  for (const q of SUMMARY_QUANTILES) {
    const key = latencyQuantileKey(bins, q);
    if (key === undefined) return null;
    varint(key === null ? 0 : zigzag(key) + 1);
  }
  return String.fromCharCode(...codes);
}

/** The values (nanoseconds) of an encodeSummary text, parallel to SUMMARY_QUANTILES. */
export const decodeSummary = (s: string): number[] => new BinsReader(s).summary();
