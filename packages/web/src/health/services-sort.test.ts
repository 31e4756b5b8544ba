import type { RedFigures, ServiceHealth } from '@clew/api';
import { describe, expect, it } from 'vitest';
import { readSort, sortServices } from './services-sort.js';

const figures = (rate: number, p99Ms: number | null): RedFigures => ({ count: rate * 60, rate, errors: 0, errorRate: rate ? 0 : null, p50Ms: p99Ms, p95Ms: p99Ms, p99Ms, totalMs: 0 });
const row = (service: string, rate: number, p99: number | null): ServiceHealth => ({ service, figures: figures(rate, p99), previous: null, series: [] });
const rows = [row('cart', 2, 40), row('api', 5, null), row('billing', 1, 900), row('auth', 2, 40)];
const names = (r: ServiceHealth[]) => r.map((s) => s.service);

describe('sorting the Services table', () => {
  it('by name, ascending, unless the URL says otherwise', () => {
    expect(readSort(new URLSearchParams())).toEqual({ column: 'service', dir: 'asc' });
    expect(names(sortServices(rows, 'service', 'asc'))).toEqual(['api', 'auth', 'billing', 'cart']);
  });

  it('figures descending by default, ties by name, unmeasured last either way', () => {
    expect(readSort(new URLSearchParams('sort=p99'))).toEqual({ column: 'p99', dir: 'desc' });
    expect(names(sortServices(rows, 'p99', 'desc'))).toEqual(['billing', 'auth', 'cart', 'api']);
    expect(names(sortServices(rows, 'p99', 'asc'))).toEqual(['auth', 'cart', 'billing', 'api']);
    expect(names(sortServices(rows, 'rate', 'desc'))).toEqual(['api', 'auth', 'cart', 'billing']);
  });
});
