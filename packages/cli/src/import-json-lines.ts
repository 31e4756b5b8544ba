import { Worker } from 'node:worker_threads';
import type { DecodeResult } from '@clew/codecs';
import { decodeOtlpProto } from '@clew/codecs';

/**
 * Bytes of a file read at a time: the whole lines of each read are one job of the worker (an exported line of 1,000
 * spans is ~1 MB; a longer line gets a larger read).
 */
export const JOB_BYTES = 1 << 20;
/**
 * Jobs given to the worker before the first of them is waited for: enough that it goes on decoding while this thread
 * writes a whole batch to the store (50,000 spans are ~50 MB of JSON; with only a few in flight, the two threads took
 * turns instead of working together).
 */
const JOBS_IN_FLIGHT = 64;

/** Lines for the worker: a read of the file, and where in it each line starts and ends (pairs of offsets). */
export interface JsonLinesJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly lines: readonly number[];
}

/** A line of a read: its bytes `[from, to)`, and what the caller keeps with it. */
export interface JobLine<T> {
  readonly from: number;
  readonly to: number;
  readonly meta: T;
}

/**
 * A buffer that this thread and the worker both see: a job's lines go to the worker in one, and each line's protobuf
 * comes back in one, shared rather than moved. Moving (transferring) an ArrayBuffer detaches it, and once a thread has
 * detached one, V8 checks every typed array and DataView access of its optimised code for a detached buffer. With the
 * reads moved to it and its protobuf moved back, the worker took a third more CPU a span (the transcoding is reads and
 * writes of single bytes). A SharedArrayBuffer is never detached.
 */
export function sharedBytes(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

/** A line decoded by the worker: its spans as OTLP protobuf, or why it could not be decoded. */
export type JsonLineResult =
  | { readonly proto: Uint8Array; readonly spans: number; readonly rejected: number; readonly rejectMessage: string; readonly error?: undefined }
  | { readonly error: string };

/**
 * An error's message on one line of plain text: control characters as \xNN (JSON.parse quotes what it met, which in
 * a binary file given as JSON would reach the terminal as it is).
 */
export const errorText = (e: unknown): string =>
  // eslint-disable-next-line no-control-regex -- the control characters are what is replaced
  (e instanceof Error ? e.message : String(e)).replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** A record's spans counted, not decoded: accepted (in its protobuf), and refused with why. */
export interface CountedSpans {
  readonly spans: number;
  readonly rejected: number;
  readonly rejectMessage: string;
}

/**
 * Decodes OTLP JSON lines on a worker thread, in order: `add` the lines, and `take` the results of the oldest job
 * (each a DecodeResult, or the line's error) once `ready` says there are enough in flight.
 */
export class JsonLinesDecoder<T> {
  private readonly worker = new Worker(new URL('./import-json-worker.js', import.meta.url));
  private readonly waiting = new Map<number, { resolve(r: JsonLineResult[]): void; reject(e: Error): void }>();
  private readonly jobs: Array<{ bytes: Buffer; lines: T[]; results: Promise<JsonLineResult[]> }> = [];
  /**
   * Read buffers of JOB_BYTES whose jobs are done, for later reads: a new SharedArrayBuffer is zeroed memory that the
   * kernel maps page by page (a quarter of a million page faults a gigabyte read).
   */
  private readonly spare: Buffer[] = [];
  private nextId = 0;
  private failed: Error | undefined;

  constructor() {
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on('message', ({ id, results }: { id: number; results: JsonLineResult[] }) => {
      this.waiting.get(id)?.resolve(results);
      this.waiting.delete(id);
    });
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the JSON decoding thread stopped (exit code ${code})`)));
  }

  /** A buffer to read at least `size` bytes into for a job (sharedBytes): a spare one when JOB_BYTES will do. */
  bytesFor(size: number): Buffer {
    return size <= JOB_BYTES ? (this.spare.pop() ?? sharedBytes(JOB_BYTES)) : sharedBytes(size);
  }

  /** Lines of `bytes` (from bytesFor, not written to again until its job is taken), handed to the worker as one job. */
  add(bytes: Buffer, lines: readonly JobLine<T>[]): void {
    const id = this.nextId++;
    const results = this.failed
      ? Promise.reject(this.failed)
      : new Promise<JsonLineResult[]>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    results.catch(() => undefined); // handled when taken
    this.jobs.push({ bytes, lines: lines.map((l) => l.meta), results });
    const job: JsonLinesJob = { id, bytes, lines: lines.flatMap((l) => [l.from, l.to]) };
    if (!this.failed) this.worker.postMessage(job);
  }

  /** Whether the oldest job should be taken now (enough are in flight), or, with `end`, whether any is left. */
  ready(end = false): boolean {
    return end ? this.jobs.length > 0 : this.jobs.length >= JOBS_IN_FLIGHT;
  }

  /**
   * The oldest job's lines, each with its spans' protobuf and the spans decoded from it, or only counted (`decode`
   * false: for a target that sends the protobuf on as it is), or its error.
   */
  async take(decode = true): Promise<Array<{ meta: T; decoded?: DecodeResult; counted?: CountedSpans; proto?: Buffer; error?: string }>> {
    const job = this.jobs.shift()!;
    const results = await job.results;
    // The worker has read the lines (it answers once it has done them all); what it sent back is in buffers of its own.
    if (job.bytes.length === JOB_BYTES) this.spare.push(job.bytes);
    return job.lines.map((meta, i) => {
      const r = results[i]!;
      if (r.error !== undefined) return { meta, error: r.error };
      const proto = Buffer.from(r.proto.buffer, r.proto.byteOffset, r.proto.byteLength);
      if (!decode) return { meta, counted: { spans: r.spans, rejected: r.rejected, rejectMessage: r.rejectMessage }, proto };
      try {
        const { spans } = decodeOtlpProto(r.proto);
        if (spans.length !== r.spans) throw new Error(`the JSON decoding thread sent ${spans.length} of ${r.spans} spans`);
        return { meta, decoded: { spans, rejected: r.rejected, rejectMessage: r.rejectMessage }, proto };
      } catch (e) {
        return { meta, error: errorText(e) };
      }
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
