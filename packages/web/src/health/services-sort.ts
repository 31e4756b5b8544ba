import type { ServiceHealth } from '@clew/api';

/** The Services table's columns that sort, and the figure each sorts by. */
export const SERVICE_COLUMNS = {
  service: (s: ServiceHealth) => s.service,
  rate: (s: ServiceHealth) => s.figures.rate,
  errorRate: (s: ServiceHealth) => s.figures.errorRate,
  p50: (s: ServiceHealth) => s.figures.p50Ms,
  p95: (s: ServiceHealth) => s.figures.p95Ms,
  p99: (s: ServiceHealth) => s.figures.p99Ms,
} as const;
export type ServiceColumn = keyof typeof SERVICE_COLUMNS;
export type SortDir = 'asc' | 'desc';

/** Reads `?sort=p99&dir=asc` (figures default to descending, the name to ascending); by name when absent. */
export function readSort(p: URLSearchParams): { column: ServiceColumn; dir: SortDir } {
  const column = (Object.keys(SERVICE_COLUMNS) as ServiceColumn[]).find((c) => c === p.get('sort')) ?? 'service';
  const dir = p.get('dir') === 'asc' || p.get('dir') === 'desc' ? (p.get('dir') as SortDir) : column === 'service' ? 'asc' : 'desc';
  return { column, dir };
}

/**
 * Rows in the column's order; unmeasured figures (null) always last, whichever way, and ties by name, so the order
 * is the same on every refresh.
 */
export function sortServices<T extends ServiceHealth>(rows: readonly T[], column: ServiceColumn, dir: SortDir): T[] {
  const key = SERVICE_COLUMNS[column];
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return (typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number)) * sign;
    }
    return a.service.localeCompare(b.service);
  });
}
