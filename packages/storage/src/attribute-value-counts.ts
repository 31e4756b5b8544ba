import type { AttributeScope, KeyCounts, ValueCount } from './span-comparison.js';

/** Span kinds and statuses as the attribute comparison names them (`intrinsic` scope), by their numbers. */
export const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
export const STATUS_NAMES = ['unset', 'ok', 'error'];

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const SCOPE_ORDER: Record<AttributeScope, number> = { intrinsic: 0, resource: 1, span: 2, event: 3 };
/** Keys by scope (intrinsic, resource, span, event), then key in code-unit order. */
export const byScopeAndKey = (a: KeyCounts, b: KeyCounts): number => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] || byCodeUnit(a.key, b.key);
/** Values by their count in the selection, then in the baseline, then in code-unit order. */
export const byCounts = (a: ValueCount, b: ValueCount): number => b.selection - a.selection || b.baseline - a.baseline || byCodeUnit(a.value, b.value);

/** Value counts per (scope, key), summed in memory. */
export class AttributeValueCounts {
  private readonly map = new Map<string, { scope: AttributeScope; key: string; values: Map<string, { selection: number; baseline: number }> }>();

  add(scope: AttributeScope, key: string, value: string, side: 'selection' | 'baseline', n = 1): void {
    const id = `${scope}\0${key}`;
    let k = this.map.get(id);
    if (!k) this.map.set(id, (k = { scope, key, values: new Map() }));
    let v = k.values.get(value);
    if (!v) k.values.set(value, (v = { selection: 0, baseline: 0 }));
    v[side] += n;
  }

  /** Each key with the `top` most frequent values of either side. */
  top(top: number): KeyCounts[] {
    return [...this.map.values()].map(({ scope, key, values }) => {
      const all = [...values].map(([value, c]) => ({ value, ...c }));
      const keep = new Set([
        ...[...all].sort(byCounts).slice(0, top),
        ...[...all].sort((a, b) => b.baseline - a.baseline || byCodeUnit(a.value, b.value)).slice(0, top),
      ]);
      let selection = 0;
      let baseline = 0;
      for (const v of all) {
        selection += v.selection;
        baseline += v.baseline;
      }
      return { scope, key, selection, baseline, distinctValues: all.length, values: [...keep].sort(byCounts) };
    });
  }
}
