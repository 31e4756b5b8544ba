import type { Resource } from '@clew/model';
import { anyValueToString } from '@clew/model';
import type { AttributeCounts, AttributeCountsQuery, SpanSelection } from '../span-comparison.js';
import { sampleMarginPercent } from '../span-comparison.js';
import { AttributeValueCounts, byScopeAndKey, KIND_NAMES, STATUS_NAMES } from '../attribute-value-counts.js';
import { sampleBudget } from '../duckdb/span-comparison-read.js';
import type { Select } from './tenant-reader.js';
import { DURATION, i64, u64 } from './sql.js';

const TWO_64 = 2n ** 64n;

/** A boolean expression true for the selected spans; 0 for an empty selection. */
function selectionSql(sel: SpanSelection): string {
  const conds: string[] = [];
  if (sel.minDuration !== undefined) conds.push(`toInt64(${DURATION}) >= ${i64(sel.minDuration)}`);
  if (sel.maxDuration !== undefined) conds.push(`toInt64(${DURATION}) <= ${i64(sel.maxDuration)}`);
  if (sel.start !== undefined) conds.push(`start >= ${u64(sel.start)}`);
  if (sel.end !== undefined) conds.push(`start <= ${u64(sel.end)}`);
  if (sel.errors === true) conds.push('status = 2');
  return conds.length === 0 ? '0' : `(${conds.join(' AND ')})`;
}

/** Keeps the spans whose hash of the span id is under about keep/of of 2^64: the same spans each time. */
function sampleSql(keep: number, of: number): string {
  if (keep >= of) return '1';
  return `sipHash64(span_id) < ${u64((TWO_64 * BigInt(Math.max(keep, 0))) / BigInt(of))}`;
}

interface Row {
  sel: number;
  name: string;
  kind: number;
  status: number;
  rid: string;
  attr_keys: string[];
  attr_values: string[];
  event_keys: string[];
  event_values: string[];
}

/**
 * Attribute value counts of the selection and the baseline (see SpanReader.attributeCounts): side totals in SQL,
 * then the counted spans (at most maxSpans, a sample by a hash of the span id past it) read and counted here.
 */
export async function countAttributes(
  select: Select,
  table: string,
  where: string,
  q: AttributeCountsQuery,
  resourcesOf: (ids: string[]) => Promise<ReadonlyMap<string, Resource>>,
): Promise<AttributeCounts> {
  const sel = selectionSql(q.selection);
  const totals = { selection: 0, baseline: 0 };
  for (const r of await select<{ sel: number; n: string }>(`SELECT ${sel} AS sel, count() AS n FROM ${table} WHERE ${where} GROUP BY sel`)) {
    totals[Number(r.sel) ? 'selection' : 'baseline'] = Number(r.n);
  }
  const budget = sampleBudget(totals.selection, totals.baseline, Math.max(1, q.maxSpans));
  const sample = `if(${sel}, ${sampleSql(budget.selection, totals.selection)}, ${sampleSql(budget.baseline, totals.baseline)})`;
  const rows =
    totals.selection + totals.baseline === 0
      ? []
      : await select<Row>(
          `SELECT ${sel} AS sel, name, kind, status, toString(resource_id) AS rid, attr_keys, attr_values, event_keys, event_values
           FROM ${table} WHERE ${where} AND ${sample}`,
        );
  const resources = await resourcesOf(rows.map((r) => r.rid));
  const resourceTexts = new Map<string, Array<[string, string]>>();
  for (const [id, r] of resources) resourceTexts.set(id, r.attributes.map((kv) => [kv.key, anyValueToString(kv.value)]));
  const counted = { selection: 0, baseline: 0 };
  const keys = new AttributeValueCounts();
  for (const r of rows) {
    const side = Number(r.sel) ? 'selection' : 'baseline';
    counted[side]++;
    keys.add('intrinsic', 'name', r.name, side);
    keys.add('intrinsic', 'kind', KIND_NAMES[Number(r.kind)] ?? String(r.kind), side);
    keys.add('intrinsic', 'status', STATUS_NAMES[Number(r.status)] ?? String(r.status), side);
    for (const [k, v] of resourceTexts.get(r.rid) ?? []) keys.add('resource', k, v, side);
    r.attr_keys.forEach((k, i) => keys.add('span', k, r.attr_values[i]!, side));
    // A span counts once per value of an event attribute, however many of its events carry it.
    const seen = new Set<string>();
    r.event_keys.forEach((k, i) => {
      const v = r.event_values[i]!;
      const id = `${k}\0${v}`;
      if (seen.has(id)) return;
      seen.add(id);
      keys.add('event', k, v, side);
    });
  }
  const side = (spans: number, n: number) => ({ spans, counted: n, marginPercent: sampleMarginPercent(n, spans) });
  return {
    selection: side(totals.selection, counted.selection),
    baseline: side(totals.baseline, counted.baseline),
    sampled: counted.selection < totals.selection || counted.baseline < totals.baseline,
    keys: keys.top(Math.max(1, q.topValues)).sort(byScopeAndKey),
  };
}
