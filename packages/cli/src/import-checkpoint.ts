import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ImportFormat } from './import-formats.js';
import type { Position } from './import-records.js';

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
  readonly input: { readonly size: number; readonly format: ImportFormat };
  /** The target, as `describe()` names it: a checkpoint is only resumed into the same one. */
  readonly target: string;
  readonly done: Position;
  readonly inDoubt?: { readonly from: Position; readonly to: Position };
  readonly complete?: boolean;
  readonly counts: ImportCounts;
  /** Imports of this file completed into other targets before this one began, with their counts. */
  readonly earlier?: readonly { readonly target: string; readonly counts: ImportCounts }[];
}

export const checkpointPath = (input: string): string => `${input}.clew-import`;

export async function loadCheckpoint(input: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(checkpointPath(input), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as Checkpoint;
}

export async function saveCheckpoint(input: string, c: Checkpoint): Promise<void> {
  const path = checkpointPath(input);
  await writeFile(`${path}.tmp`, JSON.stringify(c));
  await rename(`${path}.tmp`, path);
}
