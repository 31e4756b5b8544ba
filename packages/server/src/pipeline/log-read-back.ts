import type { Logger } from 'pino';
import { decodePayload } from '../receivers/decode-payload.js';
import type { WalRecord } from '../wal/record.js';
import type { WriteAheadLog } from '../wal/wal.js';
import type { LoggedSpans } from './store-writer.js';
import { TenantSpans } from './tenant-runs.js';

/** Waits between retries of a failed write or read, the last repeating. */
export const RETRY_MS = [100, 500, 1000, 2000, 5000];

/** How long to wait before retry number `attempt` + 1. */
export const retryDelay = (waits: readonly number[], attempt: number): number => waits[Math.min(attempt, waits.length - 1)]!;

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The spans of `records` with their tenants' runs: those a record still holds, and those let go (encoded into a batch
 * whose write then failed) read back from the log, which holds them until the store does. A read that fails (the
 * disk, too many open files) is tried again, as a write is. A record the log no longer gives back (damaged on disk)
 * is said and passed over, as replay does.
 */
export async function readBack(wal: WriteAheadLog, records: readonly LoggedSpans[], waits: readonly number[], log: Logger): Promise<TenantSpans> {
  let read: WalRecord[] | undefined;
  for (let attempt = 0; read === undefined; attempt++) {
    try {
      read = await wal.read(records[0]!.seq, records[records.length - 1]!.seq);
    } catch (err) {
      const wait = retryDelay(waits, attempt);
      log.error({ err, attempt, retryInMs: wait }, 'reading a failed batch back from the write-ahead log failed; retrying');
      await pause(wait);
    }
  }
  const logged = new Map(read.map((r) => [r.seq, r]));
  const batch = new TenantSpans();
  for (const r of records) {
    if (r.spans.length > 0) {
      batch.add(r.tenant, r.spans);
      continue;
    }
    try {
      const l = logged.get(r.seq);
      if (l === undefined) throw new Error('not found in the write-ahead log (damaged on disk?)');
      batch.add(r.tenant, decodePayload(l.format, l.payload).spans);
    } catch (err) {
      // The receiver decoded the record before logging it: this is a damaged disk or a bug.
      log.error({ err, seq: r.seq }, 'a record of a failed store write could not be read back from the write-ahead log; its spans are lost');
    }
  }
  return batch;
}
