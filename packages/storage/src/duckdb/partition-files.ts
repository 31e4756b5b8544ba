import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { UnixNanos } from '@clew/model';

const NANOS_PER_HOUR = 3_600_000_000_000n;
const FILE = /^spans-[0-9T-]+\.duckdb$/;

/** How a store's ingest clock maps onto partition files. */
export class PartitionClock {
  readonly periodNs: bigint;

  constructor(hours: number) {
    this.periodNs = BigInt(Math.round(hours * 3600)) * (NANOS_PER_HOUR / 3600n);
    if (this.periodNs <= 0n) throw new Error(`partitionHours must be positive, got ${hours}`);
  }

  periodOf(t: UnixNanos): number {
    return Number(t / this.periodNs);
  }

  bounds(period: number): [UnixNanos, UnixNanos] {
    const start = BigInt(period) * this.periodNs;
    return [start as UnixNanos, (start + this.periodNs) as UnixNanos];
  }

  /**
   * The period a partition file is named for (see fileName), or null for a name that is not one. A file's meta row
   * says its period too, but a crash right after the file was created can leave it without one.
   */
  periodOfFile(file: string): number | null {
    const m = /spans-(\d{4}-\d{2}-\d{2})(?:T(\d{2})-(\d{2}))?\.duckdb$/.exec(file);
    if (m === null) return null;
    const ms = Date.parse(`${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:00Z`);
    return Number.isNaN(ms) ? null : this.periodOf((BigInt(ms) * 1_000_000n) as UnixNanos);
  }

  /** e.g. spans-2026-11-24.duckdb for daily partitions, spans-2026-11-24T05-00.duckdb otherwise. */
  fileName(period: number): string {
    const iso = new Date(Number(this.bounds(period)[0] / 1_000_000n)).toISOString();
    const stamp = this.periodNs % (24n * NANOS_PER_HOUR) === 0n ? iso.slice(0, 10) : iso.slice(0, 16).replace(':', '-');
    return `spans-${stamp}.duckdb`;
  }
}

export async function listPartitionFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => FILE.test(f)).map((f) => join(dir, f));
}
