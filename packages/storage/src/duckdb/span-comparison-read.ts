import type { DuckDBValue } from '@duckdb/node-api';
import type { Tenant } from '@clew/model';
import { anyValueToString } from '@clew/model';
import type {
  AttributeCounts,
  AttributeCountsQuery,
  AttributeScope,
  HeatmapQuery,
  KeyCounts,
  LatencyHeatmap,
  SpanFilter,
  ValueCount,
} from '../span-comparison.js';
import { sampleMarginPercent } from '../span-comparison.js';
import { AttributeValueCounts, byCounts, byScopeAndKey } from '../attribute-value-counts.js';
import type { Partition } from './partition.js';
import { matchingSpansSql, Params } from './search-sql.js';
import {
  attributeCountsSql,
  fieldCountsSql,
  heatmapSql,
  sampleSql,
  selectionSql,
  sideTotalsSql,
  SPAN_FIELDS,
  SPAN_FIELDS_WITH_BODY,
} from './span-comparison-sql.js';
import { unescapeText } from './value-codec.js';

type Read = (sql: string, values?: DuckDBValue[]) => Promise<DuckDBValue[][]>;

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['unset', 'ok', 'error'];

/** The union of every partition's spans of the tenant matching `filter` with `columns`, or null when none can hold one. */
function unionOf(
  partitions: Iterable<Partition>,
  tenant: Tenant,
  filter: SpanFilter,
  columns: string,
): { sql: string; params: Params; parts: Partition[] } | null {
  const params = new Params();
  const parts: Partition[] = [];
  const selects: string[] = [];
  for (const p of partitions) {
    const sql = matchingSpansSql(p, tenant, parts.length, { ...filter, limit: 1 }, params, columns);
    if (sql === null) continue;
    parts.push(p);
    selects.push(sql);
  }
  return selects.length === 0 ? null : { sql: selects.join(' UNION ALL '), params, parts };
}

/** The latency heatmap of the tenant's spans matching the filter (see SpanReader.latencyHeatmap). */
export async function readHeatmap(read: Read, partitions: Iterable<Partition>, tenant: Tenant, q: HeatmapQuery): Promise<LatencyHeatmap> {
  const found = unionOf(partitions, tenant, q.filter, SPAN_FIELDS);
  if (!found) return { cells: [], total: 0, errors: 0 };
  const step = q.step < 1n ? 1n : q.step;
  const rows = await read(heatmapSql(found.sql, q.filter.start, step), found.params.values);
  let total = 0;
  let errors = 0;
  const cells = rows.map((r) => {
    const cell = { t: Number(r[0]), d: Number(r[1]), count: Number(r[2]), errors: Number(r[3]) };
    total += cell.count;
    errors += cell.errors;
    return cell;
  });
  return { cells, total, errors };
}

/** Spans each side may count within `max`: all when both fit, else the selection first up to half, the rest to the baseline. */
export function sampleBudget(selection: number, baseline: number, max: number): { selection: number; baseline: number } {
  if (selection + baseline <= max) return { selection, baseline };
  const s = Math.min(selection, Math.max(Math.floor(max / 2), max - baseline));
  return { selection: s, baseline: Math.min(baseline, max - s) };
}

const TWO_64 = 2n ** 64n;
/** The hash threshold that keeps about `keep` of `of` spans, or null to keep them all. */
function threshold(keep: number, of: number): bigint | null {
  if (keep >= of) return null;
  return (TWO_64 * BigInt(Math.max(keep, 0))) / BigInt(of);
}

/** Attribute value counts of the selection and the baseline (see SpanReader.attributeCounts). */
export async function readAttributeCounts(
  read: Read,
  partitions: Iterable<Partition>,
  tenant: Tenant,
  q: AttributeCountsQuery,
): Promise<AttributeCounts> {
  const parts = [...partitions];
  const found = unionOf(parts, tenant, q.filter, SPAN_FIELDS);
  const sel = selectionSql(q.selection);
  const empty = { spans: 0, counted: 0, marginPercent: 0 };
  if (!found) return { selection: empty, baseline: empty, sampled: false, keys: [] };
  const totals = { selection: 0, baseline: 0 };
  for (const r of await read(sideTotalsSql(found.sql, sel), found.params.values)) totals[r[0] ? 'selection' : 'baseline'] = Number(r[1]);
  const budget = sampleBudget(totals.selection, totals.baseline, Math.max(1, q.maxSpans));
  const sample = sampleSql(sel, { selection: threshold(budget.selection, totals.selection), baseline: threshold(budget.baseline, totals.baseline) });
  const withBody = unionOf(parts, tenant, q.filter, SPAN_FIELDS_WITH_BODY)!;
  const [fieldRows, attrRows] = await Promise.all([
    read(fieldCountsSql(found.sql, sel, sample), found.params.values),
    read(attributeCountsSql(withBody.sql, sel, sample, Math.max(1, q.topValues)), withBody.params.values),
  ]);
  const counted = { selection: 0, baseline: 0 };
  const keys = new AttributeValueCounts();
  for (const r of fieldRows) {
    const side = r[0] ? 'selection' : 'baseline';
    const n = Number(r[6]);
    counted[side] += n;
    const p = found.parts[Number(r[1])]!;
    for (const kv of p.resources.get(Number(r[2]))?.resource.attributes ?? []) keys.add('resource', kv.key, anyValueToString(kv.value), side, n);
    keys.add('intrinsic', 'name', r[3] as string, side, n);
    keys.add('intrinsic', 'kind', KIND_NAMES[Number(r[4])] ?? String(r[4]), side, n);
    keys.add('intrinsic', 'status', STATUS_NAMES[Number(r[5])] ?? String(r[5]), side, n);
  }
  const fromSql: KeyCounts[] = [];
  const byKey = new Map<string, { head: Omit<KeyCounts, 'values'>; values: ValueCount[] }>();
  for (const r of attrRows) {
    const scope: AttributeScope = r[0] === 's' ? 'span' : 'event';
    const key = unescapeText(r[1] as string);
    const id = `${scope}\0${key}`;
    let k = byKey.get(id);
    if (!k) {
      k = { head: { scope, key, selection: Number(r[6]), baseline: Number(r[7]), distinctValues: Number(r[5]) }, values: [] };
      byKey.set(id, k);
    }
    k.values.push({ value: unescapeText(r[2] as string), selection: Number(r[3]), baseline: Number(r[4]) });
  }
  for (const { head, values } of byKey.values()) fromSql.push({ ...head, values: values.sort(byCounts) });
  const side = (spans: number, n: number) => ({ spans, counted: n, marginPercent: sampleMarginPercent(n, spans) });
  return {
    selection: side(totals.selection, counted.selection),
    baseline: side(totals.baseline, counted.baseline),
    sampled: counted.selection < totals.selection || counted.baseline < totals.baseline,
    keys: [...keys.top(Math.max(1, q.topValues)), ...fromSql].sort(byScopeAndKey),
  };
}

