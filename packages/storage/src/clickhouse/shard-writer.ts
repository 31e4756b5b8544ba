import type { ClickHouseClient } from '@clickhouse/client';
import type { Span, Tenant, UnixNanos } from '@clew/model';
import { StoreError } from '../store.js';
import type { Tables } from './cluster.js';
import { postRowBinary } from './row-binary.js';
import { checkTenant, idLit, NANOS_PER_DAY, str } from './sql.js';

/** How long a retention drop waits for a tenant's DELETE mutation to finish before it gives up. */
const MUTATION_TIMEOUT_MS = 60_000;

/** A held row's key, as loadHeld reads it from ClickHouse: tenant, `/`, trace id and span id in hex. */
const heldKey = (span: Span, tenant: Tenant): string => `${tenant}/${span.traceId}${span.spanId}`;

/** Where a RowBinary INSERT goes, past the client: the server's HTTP URL and its Authorization header. */
export interface HttpTarget {
  readonly url: string;
  readonly authorization: string;
}

/**
 * One server an append writes: the only one, or one shard of a cluster, with this source's walPosition there.
 * Each shard holds its own position (on its span rows, and in its wal_positions for appends that gave it no rows),
 * so a crash between the INSERTs of two shards leaves each with a true position, and the store's position is the
 * lowest. Rows a shard holds past that lowest position (`held`, read at open) are skipped when the write-ahead log
 * replays them, span by span, so the replay writes each shard what it lacks, whatever the replay's batches are.
 */
export class ShardWriter {
  /** This source's last walPosition here. */
  position = 0n;
  /** (tenant, trace id, span id) → how many of this source's rows past the store's position this shard holds. */
  private held = new Map<string, number>();
  /** Once an append past this position is written here, nothing held remains to be replayed. */
  private heldThrough = 0n;
  /** The (tenant, resource id) pairs this store wrote into the shard's resources for the current day. */
  readonly resourcesWritten = new Set<string>();

  constructor(
    readonly client: ClickHouseClient,
    private readonly http: HttpTarget,
    private readonly db: string,
    readonly tables: Tables,
    private readonly source: string,
  ) {}

  /**
   * The highest walPosition this source recorded here: on its span rows (written in the same INSERT as the spans,
   * so that a crash keeps both or neither) and in wal_positions. Positions only grow, so the highest is the last.
   */
  async loadPosition(): Promise<bigint> {
    const s = str(this.source);
    const rows = await this.select<{ w: string }>(
      `SELECT max(wal_pos) AS w FROM ${this.db}.${this.tables.spans} WHERE source = ${s}
       UNION ALL SELECT max(wal_pos) AS w FROM ${this.db}.wal_positions WHERE source = ${s}`,
    );
    for (const r of rows) if (BigInt(r.w) > this.position) this.position = BigInt(r.w);
    return this.position;
  }

  /** Reads which spans of this source past `floor` (the store's position, where the replay starts) are here already. */
  async loadHeld(floor: bigint): Promise<void> {
    this.held.clear();
    this.heldThrough = this.position;
    if (this.position <= floor) return;
    const rows = await this.select<{ k: string; n: string }>(
      `SELECT concat(tenant, '/', lower(hex(trace_id)), lower(hex(span_id))) AS k, count() AS n FROM ${this.db}.${this.tables.spans}
       WHERE source = ${str(this.source)} AND wal_pos > toUInt64('${floor}') GROUP BY k`,
    );
    for (const r of rows) this.held.set(r.k, Number(r.n));
  }

  /** Whether a replayed span is here already (each held row answers yes once). */
  takeHeld(span: Span, tenant: Tenant): boolean {
    if (this.held.size === 0) return false;
    const key = heldKey(span, tenant);
    const n = this.held.get(key);
    if (n === undefined) return false;
    if (n <= 1) this.held.delete(key);
    else this.held.set(key, n - 1);
    return true;
  }

  /** Held spans taken by an append whose write here failed: they are still to be skipped. */
  giveBackHeld(spans: ReadonlyArray<readonly [Span, Tenant]>): void {
    for (const [span, tenant] of spans) {
      const key = heldKey(span, tenant);
      this.held.set(key, (this.held.get(key) ?? 0) + 1);
    }
  }

  /** After an append at `pos` was written here (rows or its position alone). */
  wrote(pos: bigint | undefined): void {
    if (pos === undefined) return;
    if (pos > this.position) this.position = pos;
    // Everything up to the position held at open has been replayed: a span with the same ids from now on is new.
    if (pos > this.heldThrough) this.held.clear();
  }

  /** Records a position whose append gave this shard no rows, so that the store's position (the lowest) moves on. */
  async recordPosition(pos: bigint): Promise<void> {
    await this.client.insert({ table: `${this.db}.wal_positions`, values: [{ source: this.source, wal_pos: pos.toString() }], format: 'JSONEachRow' });
  }

  /**
   * One INSERT in RowBinary over the HTTP interface (@clickhouse/client sends only text formats): one block, so one
   * part. Throws ClickHouse's own message when it refuses.
   */
  async insertRowBinary(into: string, data: Buffer): Promise<void> {
    await postRowBinary(this.http, `${this.db}.${into}`, data);
  }

  /**
   * Retention on this server (see Store.dropBefore): the days it dropped or deleted the tenant's rows from. Before
   * rows go, each source's highest walPosition among them is kept in wal_positions.
   */
  async dropBefore(cutoff: UnixNanos, tenant?: Tenant): Promise<number[]> {
    if (tenant !== undefined) checkTenant(tenant);
    const t = this.tables;
    const days = await this.select<{ day: number; tenants: string[] }>(
      `SELECT day, groupUniqArray(tenant) AS tenants FROM ${this.db}.${t.spans} GROUP BY day ORDER BY day`,
    );
    const dropped: number[] = [];
    for (const { day, tenants } of days) {
      if (BigInt(Number(day) + 1) * NANOS_PER_DAY > cutoff) continue;
      if (tenant !== undefined && !tenants.includes(tenant)) continue;
      const whole = tenant === undefined || tenants.length === 1;
      const rows = whole ? `day = ${Number(day)}` : `day = ${Number(day)} AND tenant = ${str(tenant!)}`;
      await this.client.command({
        query: `INSERT INTO ${this.db}.wal_positions SELECT source, max(wal_pos) FROM ${this.db}.${t.spans} WHERE ${rows} GROUP BY source`,
      });
      for (const table of [t.spans, t.traceIndex, t.resources]) {
        const query = whole ? `ALTER TABLE ${this.db}.${table} DROP PARTITION ${Number(day)}` : `ALTER TABLE ${this.db}.${table} DELETE WHERE ${rows}`;
        await this.client.command({ query });
      }
      if (!whole) await this.waitForMutations();
      dropped.push(Number(day));
    }
    // A dropped day's resources are written again if spans of that day come.
    if (dropped.length > 0) this.resourcesWritten.clear();
    return dropped;
  }

  /**
   * Deletes the tenant's spans of these traces (valid lowercase trace ids) and their index rows on this server, by
   * mutations waited for; returns how many spans went.
   */
  async deleteTraces(traceIds: readonly string[], tenant: Tenant): Promise<number> {
    const t = this.tables;
    const rows = `tenant = ${str(tenant)} AND trace_id IN (${traceIds.map(idLit).join(', ')})`;
    const [r] = await this.select<{ n: string }>(`SELECT count() AS n FROM ${this.db}.${t.spans} WHERE ${rows}`);
    const n = Number(r?.n ?? 0);
    if (n === 0) return 0;
    for (const table of [t.spans, t.traceIndex]) await this.client.command({ query: `ALTER TABLE ${this.db}.${table} DELETE WHERE ${rows}` });
    await this.waitForMutations();
    return n;
  }

  /** DELETE mutations run in the background (18.16 has no mutations_sync): polls until this database has none left. */
  private async waitForMutations(): Promise<void> {
    const deadline = Date.now() + MUTATION_TIMEOUT_MS;
    for (;;) {
      const [r] = await this.select<{ n: string }>(`SELECT count() AS n FROM system.mutations WHERE database = ${str(this.db)} AND is_done = 0`);
      if (Number(r?.n ?? 0) === 0) return;
      if (Date.now() > deadline) throw new StoreError(`ClickHouse mutations in ${this.db} at ${this.http.url} still running after ${MUTATION_TIMEOUT_MS} ms`, true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** This server's bytes on disk for the database, and the day partitions of its spans. */
  async parts(): Promise<{ bytes: number; partitions: string[] }> {
    const [r] = await this.select<{ bytes: string; partitions: string[] }>(
      `SELECT sum(bytes_on_disk) AS bytes, groupUniqArrayIf(partition, table = ${str(this.tables.spans)}) AS partitions
       FROM system.parts WHERE database = ${str(this.db)} AND active`,
    );
    return { bytes: Number(r?.bytes ?? 0), partitions: r?.partitions ?? [] };
  }

  private async select<T>(sql: string): Promise<T[]> {
    return (await this.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  }
}
