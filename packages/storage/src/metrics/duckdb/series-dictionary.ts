import type { DuckDBConnection } from '@duckdb/node-api';
import type { SpanKind, Tenant } from '@clew/model';

/**
 * One (tenant, service, operation, kind): rows of the operation tiers are keyed by its id (`sid`), so a row's id
 * says whose it is, and compaction and rollups (which add rows up per id) never mix tenants.
 */
export interface Series {
  readonly tenant: Tenant;
  readonly service: string;
  readonly operation: string;
  readonly kind: SpanKind;
  /** Its (tenant, service, kind) series, the key of the service tiers. */
  readonly vid: number;
}

/** One (tenant, service, kind): rows of the service tiers (operations added up) are keyed by its id (`vid`). */
export interface ServiceSeries {
  readonly tenant: Tenant;
  readonly service: string;
  readonly kind: SpanKind;
}

const key3 = (tenant: Tenant, service: string, operation: string, kind: number): string =>
  `${tenant}\u0000${kind}\u0000${service}\u0000${operation}`;
const key2 = (tenant: Tenant, service: string, kind: number): string => `${tenant}\u0000${kind}\u0000${service}`;

/**
 * Series ids, all in memory (a few thousand): rows carry small integers instead of strings, filters become id
 * lists, and grouping maps an id to its group without touching a string per row. Files written before tenants
 * existed get the `tenant` column filled with DEFAULT_TENANT by the schema.
 */
export class SeriesDictionary {
  readonly series: Series[] = [];
  readonly services: ServiceSeries[] = [];
  private readonly sids = new Map<string, number>();
  private readonly vids = new Map<string, number>();
  /** Each tenant's series ids, ascending: a read looks at its own tenant's series only. */
  private readonly byTenant = new Map<Tenant, number[]>();
  /** Added by `idOf` and not yet written: written in the append's transaction, then `commit`ted. */
  private pendingSeries: number[] = [];
  private pendingServices: number[] = [];
  private changes = 0;

  /** Changes whenever a series is added or rolled back: what was derived from the series before is stale. */
  get generation(): number {
    return this.changes;
  }

  static async load(conn: DuckDBConnection): Promise<SeriesDictionary> {
    const d = new SeriesDictionary();
    for (const [vid, service, kind, tenant] of (await conn.runAndReadAll('SELECT vid, service, kind, tenant FROM services ORDER BY vid')).getRows()) {
      d.services[Number(vid)] = { tenant: tenant as string, service: service as string, kind: Number(kind) as SpanKind };
      d.vids.set(key2(tenant as string, service as string, Number(kind)), Number(vid));
    }
    const rows = (await conn.runAndReadAll('SELECT sid, service, operation, kind, vid, tenant FROM series ORDER BY sid')).getRows();
    for (const [sid, service, operation, kind, vid, tenant] of rows) {
      const s = { tenant: tenant as string, service: service as string, operation: operation as string, kind: Number(kind) as SpanKind, vid: Number(vid) };
      d.series[Number(sid)] = s;
      d.sids.set(key3(s.tenant, s.service, s.operation, s.kind), Number(sid));
      d.tenantList(s.tenant).push(Number(sid));
    }
    return d;
  }

  /** The ids of a tenant's series, ascending (empty for a tenant with none). */
  seriesOf(tenant: Tenant): readonly number[] {
    return this.byTenant.get(tenant) ?? [];
  }

  private tenantList(tenant: Tenant): number[] {
    let list = this.byTenant.get(tenant);
    if (!list) this.byTenant.set(tenant, (list = []));
    return list;
  }

  /** The id of a series, added (pending) when new. */
  idOf(tenant: Tenant, service: string, operation: string, kind: SpanKind): number {
    const k = key3(tenant, service, operation, kind);
    let sid = this.sids.get(k);
    if (sid !== undefined) return sid;
    const k2 = key2(tenant, service, kind);
    let vid = this.vids.get(k2);
    if (vid === undefined) {
      vid = this.services.push({ tenant, service, kind }) - 1;
      this.vids.set(k2, vid);
      this.pendingServices.push(vid);
    }
    this.changes++;
    sid = this.series.push({ tenant, service, operation, kind, vid }) - 1;
    this.sids.set(k, sid);
    this.tenantList(tenant).push(sid);
    this.pendingSeries.push(sid);
    return sid;
  }

  /** Writes the pending series inside the caller's transaction. */
  async write(conn: DuckDBConnection): Promise<void> {
    if (this.pendingServices.length > 0) {
      const a = await conn.createAppender('services');
      for (const vid of this.pendingServices) {
        const s = this.services[vid]!;
        a.appendInteger(vid);
        a.appendVarchar(s.service);
        a.appendUTinyInt(s.kind);
        a.appendVarchar(s.tenant);
        a.endRow();
      }
      a.flushSync();
      a.closeSync();
    }
    if (this.pendingSeries.length > 0) {
      const a = await conn.createAppender('series');
      for (const sid of this.pendingSeries) {
        const s = this.series[sid]!;
        a.appendInteger(sid);
        a.appendVarchar(s.service);
        a.appendVarchar(s.operation);
        a.appendUTinyInt(s.kind);
        a.appendInteger(s.vid);
        a.appendVarchar(s.tenant);
        a.endRow();
      }
      a.flushSync();
      a.closeSync();
    }
  }

  /** The pending series are durable. */
  commit(): void {
    this.pendingSeries = [];
    this.pendingServices = [];
  }

  /** The append failed: forget the series it added (they are the newest ids, last in their tenants' lists). */
  rollback(): void {
    if (this.pendingSeries.length > 0) this.changes++;
    for (const sid of this.pendingSeries) {
      const s = this.series[sid]!;
      this.sids.delete(key3(s.tenant, s.service, s.operation, s.kind));
      const list = this.byTenant.get(s.tenant)!;
      list.splice(list.indexOf(sid), 1);
    }
    for (const vid of this.pendingServices) {
      const s = this.services[vid]!;
      this.vids.delete(key2(s.tenant, s.service, s.kind));
    }
    this.series.length -= this.pendingSeries.length;
    this.services.length -= this.pendingServices.length;
    this.commit();
  }
}
