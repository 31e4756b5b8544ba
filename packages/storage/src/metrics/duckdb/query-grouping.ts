import type { SpanKind, Tenant } from '@clew/model';
import type { SpanMetricsQuery } from '../metrics-store.js';
import type { SpanGroup } from './closed-period-cache.js';
import type { SeriesDictionary } from './series-dictionary.js';

/**
 * Which series a query reads and the group each one adds to: ids of the tenant's series matching the filters
 * (`sidList`, `vidList`: null when every id matches), and per id its group's number (-1 for ids not read).
 */
export interface Grouping {
  readonly serviceLevel: boolean;
  readonly groups: SpanGroup[];
  /** Each group's key (its grouped dimensions as one string), for caches that outlive a query. */
  readonly keys: string[];
  readonly ids: Map<string, number>;
  readonly sidGroup: Int32Array;
  readonly vidGroup: Int32Array;
  readonly sidList: readonly number[] | null;
  readonly vidList: readonly number[] | null;
  /** No series matches. */
  readonly empty: boolean;
  /** The groups' numbers in the points' order, filled by the reader (stale when shorter than `groups`). */
  order: number[];
  /** Whether each group takes one id at the query's level, filled by the reader. */
  oneIdPerGroup?: boolean;
}

/** The group of `key` in `g`, added when new (a cached period may name a group this read has not met). */
export function groupOf(g: Grouping, key: string, group: SpanGroup): number {
  let n = g.ids.get(key);
  if (n === undefined) {
    n = g.groups.push(group) - 1;
    g.keys.push(key);
    g.ids.set(key, n);
  }
  return n;
}

/** Maps each of the tenant's series to the query's groups: a string and a lookup per series. */
export function groupingOf(tenant: Tenant, q: SpanMetricsQuery, dict: SeriesDictionary): Grouping {
  const services = q.services && new Set(q.services);
  const operations = q.operations && new Set(q.operations);
  const kinds = q.kinds && new Set<number>(q.kinds);
  const byService = q.groupBy.includes('service');
  const byOperation = q.groupBy.includes('operation');
  const byKind = q.groupBy.includes('kind');
  const g: Grouping = {
    serviceLevel: !operations && !byOperation,
    groups: [],
    keys: [],
    ids: new Map(),
    sidGroup: new Int32Array(dict.series.length).fill(-1),
    vidGroup: new Int32Array(dict.services.length).fill(-1),
    sidList: null,
    vidList: null,
    empty: true,
    order: [],
  };
  const add = (service: string, operation: string, kind: SpanKind): number =>
    groupOf(g, `${byService ? service : ''}\u0000${byOperation ? operation : ''}\u0000${byKind ? kind : ''}`, {
      ...(byService && { service }),
      ...(byOperation && { operation }),
      ...(byKind && { kind }),
    });
  const sids: number[] = [];
  const vids = new Set<number>();
  for (const sid of dict.seriesOf(tenant)) {
    const s = dict.series[sid]!;
    if (services && !services.has(s.service)) continue;
    if (operations && !operations.has(s.operation)) continue;
    if (kinds && !kinds.has(s.kind)) continue;
    g.sidGroup[sid] = add(s.service, s.operation, s.kind);
    g.vidGroup[s.vid] = add(s.service, '', s.kind);
    sids.push(sid);
    vids.add(s.vid);
  }
  return {
    ...g,
    sidList: sids.length === dict.series.length ? null : sids,
    vidList: vids.size === dict.services.length ? null : [...vids],
    empty: sids.length === 0,
  };
}

/** Most query shapes whose grouping is kept; past it, all are forgotten at once. */
const MAX_GROUPINGS = 256;

/**
 * Groupings of recent query shapes, valid while the dictionary has not changed (its `generation`): the Services
 * page maps 10,000 series to groups three times a load otherwise (a third of its CPU once its periods were cached).
 */
export class GroupingCache {
  private readonly byShape = new Map<string, { generation: number; grouping: Grouping }>();

  get(shape: string, tenant: Tenant, q: SpanMetricsQuery, dict: SeriesDictionary): Grouping {
    const hit = this.byShape.get(shape);
    if (hit && hit.generation === dict.generation) return hit.grouping;
    const grouping = groupingOf(tenant, q, dict);
    if (this.byShape.size >= MAX_GROUPINGS) this.byShape.clear();
    this.byShape.set(shape, { generation: dict.generation, grouping });
    return grouping;
  }
}
