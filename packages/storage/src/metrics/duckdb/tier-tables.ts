import type { DuckDBConnection } from '@duckdb/node-api';
import { SPAN_COLUMNS } from './metrics-schema.js';
import type { SpanSource } from './span-metrics-reader.js';
import type { TierSegment } from './tier-plan.js';

export const MINUTES_PER_DAY = 1440;
/** Periods of the rolled tiers, in minutes. */
export const ROLLED_PERIODS = [15, 60] as const;
export type RolledPeriod = (typeof ROLLED_PERIODS)[number];

/** The operation-level minute table of one UTC day (days since the epoch). */
export const dayTable = (day: number): string => `span_m1_${day}`;
const DAY_TABLE = /^span_m1_(\d+)$/;

/** Tier tables keyed by series (`span_…`) and by service series (`svc_…`). */
export const tierTable = (period: 1 | RolledPeriod, byService: boolean): string =>
  period === 1 ? (byService ? 'svc_m1' : 'span_delta') : `${byService ? 'svc' : 'span'}_m${period}`;

/**
 * The span-metrics tables: appends go to `span_delta` (deltas, many rows per series and minute); compaction adds
 * them up into one table per day of minute rows per series (`span_m1_<day>`, rewritten in series order once the
 * day is complete) and one table of minute rows per service series (`svc_m1`); rollups fill the 15-minute and hour
 * tables of both levels.
 */
export class TierTables {
  /** Days that have a minute table, ascending. */
  readonly days: number[] = [];

  static async load(conn: DuckDBConnection): Promise<TierTables> {
    const stmts = ['svc_m1', 'span_m15', 'svc_m15', 'span_m60', 'svc_m60'].map((t) => `CREATE TABLE IF NOT EXISTS ${t} (${SPAN_COLUMNS})`);
    await conn.run(stmts.join(';\n'));
    const tables = new TierTables();
    const rows = (await conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND table_name LIKE 'span_m1_%'`)).getRows();
    for (const [name] of rows) {
      const m = DAY_TABLE.exec(name as string);
      if (m) tables.days.push(Number(m[1]));
    }
    tables.days.sort((a, b) => a - b);
    return tables;
  }

  /** Creates the day's table inside the caller's transaction; `added` tells the caller to note it after commit. */
  async ensureDay(conn: DuckDBConnection, day: number): Promise<boolean> {
    if (this.days.includes(day)) return false;
    await conn.run(`CREATE TABLE IF NOT EXISTS ${dayTable(day)} (${SPAN_COLUMNS})`);
    return true;
  }

  addDay(day: number): void {
    if (this.days.includes(day)) return;
    this.days.push(day);
    this.days.sort((a, b) => a - b);
  }

  removeDay(day: number): void {
    const i = this.days.indexOf(day);
    if (i >= 0) this.days.splice(i, 1);
  }

  /** Days with a table that overlap minutes [lo, hi). */
  daysIn(lo: number, hi: number): number[] {
    return this.days.filter((d) => (d + 1) * MINUTES_PER_DAY > lo && d * MINUTES_PER_DAY < hi);
  }

  /**
   * The tables that answer a segment. Deltas not compacted yet are in no tier, whatever their minute (a late one
   * may fall in a rolled hour): every segment reads them too, at its level.
   */
  sourcesOf(seg: TierSegment, serviceLevel: boolean): SpanSource[] {
    const delta = { table: serviceLevel ? 'svc_delta' : 'span_delta', byService: serviceLevel };
    if (seg.period !== 1) return [delta, { table: tierTable(seg.period as RolledPeriod, serviceLevel), byService: serviceLevel }];
    if (serviceLevel) return [delta, { table: 'svc_m1', byService: true }];
    return [delta, ...this.daysIn(seg.lo, seg.hi).map((d) => ({ table: dayTable(d), byService: false }))];
  }
}
