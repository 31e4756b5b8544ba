import { createHash } from 'node:crypto';
import type { Resource, Tenant } from '@clew/model';
import { anyValueToString, serviceName } from '@clew/model';
import { decodeResource, encodeResource } from '../duckdb/span-codec.js';
import { RowBinaryWriter } from './row-binary.js';
import { str } from './sql.js';

/** A resource as the spans table names it: the id, and its row of the resources table. */
export interface StoredResource {
  /** The first 8 bytes of the MD5 of the encoded resource: the same resource has the same id in every process. */
  readonly id: bigint;
  readonly encoded: string;
  readonly attributes: Resource['attributes'];
  /** serviceName of the resource, the spans' `service`. */
  readonly service: string;
  /** Per shard, the last tenant of the batch whose need for this resource's row there was checked (an append's bookkeeping). */
  readonly checkedFor: Array<Tenant | undefined>;
}

/** Each resource object of a batch, encoded and hashed once (decoders hand out one object per resource). */
export class BatchResources {
  private readonly byObject = new Map<Resource, StoredResource>();

  of(r: Resource): StoredResource {
    let stored = this.byObject.get(r);
    if (stored === undefined) {
      const encoded = encodeResource(r);
      const id = createHash('md5').update(encoded).digest().readBigUInt64LE(0);
      this.byObject.set(r, (stored = { id, encoded, attributes: r.attributes, service: serviceName(r), checkedFor: [] }));
    }
    return stored;
  }
}

/** The resources table's RowBinary rows (tenant, day, id, res_keys, res_values, resource). */
export function resourceRows(rows: ReadonlyArray<{ tenant: Tenant; day: number; resource: StoredResource }>): Buffer {
  const w = new RowBinaryWriter(4096);
  for (const { tenant, day, resource } of rows) {
    const attrs = resource.attributes;
    w.string(tenant);
    w.u32(day);
    w.u64(resource.id);
    w.strings(attrs.map((kv) => kv.key));
    w.strings(attrs.map((kv) => anyValueToString(kv.value)));
    w.string(resource.encoded);
  }
  return w.view();
}

/** How many decoded resources a store keeps; past it the cache starts over (resources are few: one per process). */
const CACHE_LIMIT = 10_000;

/**
 * Resources by id, read from the resources table when first needed and kept: an id is a hash of the content, so a
 * kept resource never goes stale.
 */
export class ResourceCache {
  private readonly decoded = new Map<string, Resource>();

  constructor(
    private readonly db: string,
    private readonly select: <T>(sql: string) => Promise<T[]>,
  ) {}

  /** The tenant's resources of `ids` (decimal UInt64). An id whose row is gone is missing from the answer. */
  async get(tenant: Tenant, ids: Iterable<string>): Promise<Map<string, Resource>> {
    const out = new Map<string, Resource>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const r = this.decoded.get(id);
      if (r) out.set(id, r);
      else if (/^\d+$/.test(id)) missing.push(id);
    }
    if (missing.length === 0) return out;
    if (this.decoded.size + missing.length > CACHE_LIMIT) this.decoded.clear();
    const rows = await this.select<{ rid: string; encoded: string }>(
      `SELECT toString(id) AS rid, any(resource) AS encoded FROM ${this.db}.resources
       WHERE tenant = ${str(tenant)} AND id IN (${missing.join(', ')}) GROUP BY id`,
    );
    for (const row of rows) {
      const r = decodeResource(row.encoded);
      this.decoded.set(row.rid, r);
      out.set(row.rid, r);
    }
    return out;
  }
}

/** What a span shows when its resource row is missing (a row deleted under it): the service name it was stored under. */
export function missingResource(service: string): Resource {
  return {
    attributes: [{ key: 'service.name', value: { type: 'string', value: service } }],
    droppedAttributesCount: 0,
    entityRefs: [],
    schemaUrl: '',
  };
}
