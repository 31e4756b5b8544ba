import type { DuckDBConnection } from '@duckdb/node-api';
import { SPAN_COLUMNS } from './metrics-schema.js';
import type { SpanCell } from './span-rows.js';
import type { SpanSource } from './read-statement.js';
import { appendCells } from './span-writer.js';
import type { TierSegment } from './tier-plan.js';

export const MINUTES_PER_DAY = 1440;
/** Periods of the tiers, in minutes (series level: one table per tier and day). */
export const PERIODS = [1, 15, 60] as const;
export type Period = (typeof PERIODS)[number];
/**
 * Periods of the service-level tiers: those and six hours. A window of a day at the service level (the Services
 * page's totals and the window before) reads its middle from ~3 six-hour rows instead of ~18 hours of them.
 */
export const SERVICE_PERIODS = [...PERIODS, 360] as const;
export type ServicePeriod = (typeof SERVICE_PERIODS)[number];
export type RolledPeriod = 15 | 60 | 360;

/** The series-level table of one tier for one UTC day (days since the epoch). */
export const dayTable = (period: Period, day: number): string => `span_m${period}_${day}`;
const DAY_TABLE = /^span_m(1|15|60)_(\d+)$/;

/** The service-level table of a tier (operations added up; small, so not split by day). */
export const serviceTable = (period: ServicePeriod): string => `svc_m${period}`;

const dayOf = (t: number): number => Math.floor(t / MINUTES_PER_DAY);

/**
 * The span-metrics tables: appends go to `span_delta` and `svc_delta` (deltas, many rows per series and minute);
 * compaction adds them up into minute rows, rollups into 15-minute and hour rows (and six-hour rows at the service
 * level). At the series level each tier has one table per day (`span_m<period>_<day>`), rewritten in series order
 * once the day is complete; at the service level one table per tier (`svc_m<period>`).
 */
export class TierTables {
  private readonly days = new Map<Period, number[]>(PERIODS.map((p) => [p, []]));

  static async load(conn: DuckDBConnection): Promise<TierTables> {
    await conn.run(SERVICE_PERIODS.map((p) => `CREATE TABLE IF NOT EXISTS ${serviceTable(p)} (${SPAN_COLUMNS})`).join(';\n'));
    const tables = new TierTables();
    const rows = (await conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND table_name LIKE 'span_m%'`)).getRows();
    for (const [name] of rows) {
      const m = DAY_TABLE.exec(name as string);
      if (m) tables.addDay(Number(m[1]) as Period, Number(m[2]));
    }
    return tables;
  }

  /** Days with a table of the tier, ascending. */
  daysOf(period: Period): readonly number[] {
    return this.days.get(period)!;
  }

  /** Days with a table of any tier, ascending. */
  allDays(): number[] {
    return [...new Set(PERIODS.flatMap((p) => this.daysOf(p)))].sort((a, b) => a - b);
  }

  addDay(period: Period, day: number): void {
    const days = this.days.get(period)!;
    if (days.includes(day)) return;
    days.push(day);
    days.sort((a, b) => a - b);
  }

  removeDay(period: Period, day: number): void {
    const days = this.days.get(period)!;
    const i = days.indexOf(day);
    if (i >= 0) days.splice(i, 1);
  }

  /** Days with a table of the tier that overlap minutes [lo, hi). */
  daysIn(period: Period, lo: number, hi: number): number[] {
    return this.daysOf(period).filter((d) => (d + 1) * MINUTES_PER_DAY > lo && d * MINUTES_PER_DAY < hi);
  }

  /**
   * Appends series-level cells to their days' tables of the tier, creating tables (inside the caller's
   * transaction); returns the days created, for `addDay` once committed.
   */
  async appendByDay(conn: DuckDBConnection, period: Period, cells: readonly SpanCell[]): Promise<number[]> {
    const byDay = new Map<number, SpanCell[]>();
    for (const c of cells) {
      const day = dayOf(c.t);
      let list = byDay.get(day);
      if (!list) byDay.set(day, (list = []));
      list.push(c);
    }
    const created: number[] = [];
    for (const [day, list] of byDay) {
      if (!this.daysOf(period).includes(day)) {
        await conn.run(`CREATE TABLE IF NOT EXISTS ${dayTable(period, day)} (${SPAN_COLUMNS})`);
        created.push(day);
      }
      await appendCells(conn, dayTable(period, day), list, true);
    }
    return created;
  }

  /**
   * The tier tables that answer a segment (the deltas, in no tier, are read once for the whole window). Segments of
   * a service-level tier (six hours) come only to service-level reads (see RolledTier.serviceLevel).
   */
  sourcesOf(seg: TierSegment, serviceLevel: boolean): SpanSource[] {
    if (serviceLevel) return [{ table: serviceTable(seg.period as ServicePeriod), byService: true }];
    const period = seg.period as Period;
    if (!PERIODS.includes(period)) throw new Error(`no series-level tier of ${seg.period} minutes`);
    return this.daysIn(period, seg.lo, seg.hi).map((d) => ({ table: dayTable(period, d), byService: false }));
  }
}
