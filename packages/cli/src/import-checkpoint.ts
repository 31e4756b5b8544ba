import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ImportFormat } from './import-formats.js';
import type { Position } from './import-records.js';
import type { Compression } from './import-source.js';
import { compressionText } from './import-source.js';

/** What an import has done so far, summed over its resumptions. */
export interface ImportCounts {
  /** Spans decoded from the file (written or refused). */
  read: number;
  written: number;
  /** Spans the decoder or the target refused, by reason (the first message of each kind). */
  refused: number;
  /** Records that could not be read at all (malformed, truncated), skipped. */
  skippedRecords: number;
  /** What was refused or skipped and why, first ones only. */
  problems: string[];
}

export const MAX_PROBLEMS = 20;

export const noCounts = (): ImportCounts => ({ read: 0, written: 0, refused: 0, skippedRecords: 0, problems: [] });

/**
 * Beside the input (`<file>.clew-import`): how far an import of it into one target got. `done` is acknowledged by
 * the target; `inDoubt` is the batch sent and not yet acknowledged when the checkpoint was written, which a
 * resumed import checks the target for before sending again. Written to a temporary file and renamed over the
 * last one, so a kill at any moment leaves the old or the new checkpoint, never half of one.
 */
export interface Checkpoint {
  /** The file when the import began: its size, format and compression (none when not given). */
  readonly input: { readonly size: number; readonly format: ImportFormat; readonly compression?: Compression };
  /** The target, as `describe()` names it: a checkpoint is only resumed into the same one. */
  readonly target: string;
  readonly done: Position;
  readonly inDoubt?: { readonly from: Position; readonly to: Position };
  readonly complete?: boolean;
  /**
   * Where the import stopped at damage (a compressed file that does not decompress on, or fails its check): records
   * read before it are imported, those of a damaged frame or member perhaps wrong. Not gone on from: a repaired copy
   * is imported afresh.
   */
  readonly damaged?: string;
  /**
   * Of a file read by byte offset (JSON lines, protobuf): a hash of the bytes just before `done` (see fingerprintAt),
   * so that a file that has grown since (a collector still writing it) is told from another file and imported on
   * from `done`. For a file compressed as a whole, whose positions are of its decompressed bytes, of the file's bytes
   * before its end as it was (see fingerprintOffset).
   */
  readonly fingerprint?: string;
  readonly counts: ImportCounts;
  /** Imports of this file completed into other targets before this one began, with their counts. */
  readonly earlier?: readonly EarlierImport[];
}

/**
 * An import of the file completed into another target, kept when the checkpoint went on to a new one: its counts, and
 * the file's size, where it ended and its fingerprint there (for one that has grown since, to go on from that end).
 */
export interface EarlierImport {
  readonly target: string;
  readonly counts: ImportCounts;
  readonly size?: number;
  readonly done?: Position;
  readonly fingerprint?: string;
}

/** A completed checkpoint as an entry of the next one's `earlier`. */
export const asEarlier = (c: Checkpoint): EarlierImport => ({
  target: c.target,
  counts: c.counts,
  size: c.input.size,
  done: c.done,
  ...(c.fingerprint && { fingerprint: c.fingerprint }),
});

export const checkpointPath = (input: string): string => `${input}.clew-import`;

/**
 * Where an import of `input` keeps its checkpoint: beside it (checkpointPath), or, when its directory cannot be
 * written (a collector's output directory owned by another user, a read-only mount), under the user's cache directory
 * (`$XDG_CACHE_HOME` or `~/.cache`, then `clew/import/`), named by a hash of the input's absolute path. One found in
 * either place is the one used.
 */
export async function checkpointFor(input: string): Promise<string> {
  const beside = checkpointPath(input);
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'clew', 'import');
  const elsewhere = join(cache, `${createHash('sha256').update(resolve(input)).digest('hex').slice(0, 32)}.clew-import`);
  for (const path of [beside, elsewhere]) if (await exists(path)) return path;
  try {
    await access(dirname(resolve(input)), constants.W_OK);
    return beside;
  } catch {
    await mkdir(cache, { recursive: true });
    return elsewhere;
  }
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

export async function loadCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as Checkpoint;
}

/** Written to a temporary file beside it and renamed over it. */
export async function saveCheckpoint(path: string, c: Checkpoint): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(c));
  await rename(`${path}.tmp`, path);
}

/** Bytes before a checkpoint's `done` that its fingerprint hashes. */
const FINGERPRINT_BYTES = 16 * 1024;

/**
 * Where the fingerprint of an import that reached `done` in a file of `size` bytes is taken: at `done` in a file read
 * by its own bytes; at its end as it was in one compressed as a whole (`done` is then a position in its decompressed
 * bytes, and a compressor appending to it leaves the bytes before that end as they were).
 */
export const fingerprintOffset = (compression: Compression | null | undefined, size: number, done: Position): number =>
  compression === 'gzip' || compression === 'zstd' ? size : done.offset;

/** The fingerprint of a file at a byte offset: a hash of up to FINGERPRINT_BYTES before it, and the offset. */
export async function fingerprintAt(input: string, offset: number): Promise<string> {
  const from = Math.max(0, offset - FINGERPRINT_BYTES);
  const bytes = Buffer.alloc(offset - from);
  const file = await open(input);
  try {
    const { bytesRead } = await file.read(bytes, 0, bytes.length, from);
    return createHash('sha256').update(`${offset}:`).update(bytes.subarray(0, bytesRead)).digest('hex').slice(0, 32);
  } finally {
    await file.close();
  }
}

/**
 * The checkpoint of an import into `target` of a file that has only grown since (its bytes before the checkpoint's
 * `done` are those it recorded): made the checkpoint of the file as it is now, to go on from `done`, complete or not.
 * Any other checkpoint as it is.
 */
export async function grownSince(file: string, c: Checkpoint | undefined, target: string, size: number, format: ImportFormat, compression: Compression | null): Promise<Checkpoint | undefined> {
  if (c === undefined || c.input.format !== format || (c.input.compression ?? null) !== compression) return c;
  const input = { size, format, ...(compression && { compression }) };
  if (c.target === target) {
    if (size <= c.input.size || c.fingerprint === undefined || (await fingerprintAt(file, fingerprintOffset(compression, c.input.size, c.done))) !== c.fingerprint) return c;
    const { complete: _complete, ...rest } = c;
    return { ...rest, input };
  }
  // Completed into this target before, when the file was shorter, and the checkpoint's own import complete too: this
  // target's import goes on from its end, and the other one waits in `earlier` for the file to grow again.
  const mine = c.earlier?.find((e) => e.target === target);
  if (!c.complete || mine?.size === undefined || mine.done === undefined || mine.fingerprint === undefined || size <= mine.size) return c;
  if ((await fingerprintAt(file, fingerprintOffset(compression, mine.size, mine.done))) !== mine.fingerprint) return c;
  const others = c.earlier!.filter((e) => e !== mine);
  return { input, target, done: mine.done, counts: mine.counts, fingerprint: mine.fingerprint, earlier: [...others, asEarlier(c)] };
}

/**
 * What an import into `target` goes on from: the file's checkpoint when it is of this import, none for a new one, with
 * the targets finished imports of the same file went into (`earlier`); their counts when `target` is one of them.
 * A checkpoint of another file (size, format), or of an import into another target that stopped half way, is in the
 * way: refused, saying which.
 */
export function resumeFrom(at: string, c: Checkpoint | undefined, target: string, size: number, format: ImportFormat, compression: Compression | null = null): { checkpoint?: Checkpoint; earlier?: Checkpoint['earlier']; doneBefore?: ImportCounts } {
  if (c === undefined) return {};
  if (c.damaged !== undefined && c.target === target) {
    throw new Error(
      `${at} records that the import of this file into ${target} stopped at damage (${c.damaged}), what was read before it imported: ` +
        'remove the checkpoint to import a repaired copy afresh (what was imported before would be again)',
    );
  }
  const sameInput = c.input.size === size && c.input.format === format && (c.input.compression ?? null) === compression;
  if (sameInput) {
    const earlierHere = c.earlier?.find((e) => e.target === target);
    // Completed into this target when the file was shorter, and not found the same file grown (grownSince).
    if (earlierHere?.size !== undefined && earlierHere.size !== size) {
      throw new Error(
        `${at} records an import of this file into ${target} when it was ${earlierHere.size} bytes; it is now ${size} bytes, ` +
          (c.complete ? 'and not that file grown: remove the checkpoint to import it afresh' : `and an import of it into ${c.target} stopped half way: run that one again first`),
      );
    }
    const before = earlierHere ?? (c.target === target && c.complete ? c : undefined);
    if (before) return { doneBefore: before.counts };
    if (c.target === target) return { checkpoint: c, ...(c.earlier && { earlier: c.earlier }) };
    // Finished into another target: this one is imported afresh, and the checkpoint keeps the finished ones, so that
    // none of them is imported into twice.
    if (c.complete) return { earlier: [...(c.earlier ?? []), asEarlier(c)] };
    // Nothing done and nothing in doubt (its first write was refused a connection): nothing to go on with.
    if (!c.inDoubt && c.done.record === 0) return c.earlier ? { earlier: c.earlier } : {};
  }
  const was = kindOf(c.input.format, c.input.compression);
  const is = kindOf(format, compression);
  if (c.target === target) {
    throw new Error(
      `${at} records an import of this file into ${target} when it was ${c.input.size} bytes of ${was}; ` +
        `it is now ${size} bytes of ${is}, and not that file grown: remove the checkpoint to import it afresh (what was imported before would be again)`,
    );
  }
  throw new Error(
    `${at} records an import of this file into ${c.target} (${c.input.size} bytes, ${was}), ` +
      `not into ${target} (${size} bytes, ${is}): remove it to start again`,
  );
}

/** "otlp-json", or "otlp-json compressed with gzip". */
const kindOf = (format: ImportFormat, compression: Compression | null | undefined): string =>
  compression ? `${format} compressed with ${compressionText(compression)}` : format;
