import { describe } from 'vitest';
import { catalogCases } from './conformance/catalog-cases.js';
import { comparisonCases } from './conformance/comparison-cases.js';
import { durabilityCases } from './conformance/durability-cases.js';
import type { OpenStore } from './conformance/harness.js';
import { useStore } from './conformance/harness.js';
import { outlineCases } from './conformance/outline-cases.js';
import { batchReadCases, roundTripCases } from './conformance/round-trip-cases.js';
import { scanCases } from './conformance/scan-cases.js';
import { searchCases } from './conformance/search-cases.js';
import { summaryCases } from './conformance/summary-cases.js';
import { storeTenantCases } from './conformance/tenant-cases.js';
import { documentCases } from './conformance/metrics-document-cases.js';
import { metricsDurabilityCases } from './conformance/metrics-durability-cases.js';
import { edgesAndErrorsCases } from './conformance/metrics-edges-errors-cases.js';
import type { MetricsConformanceOptions } from './conformance/metrics-harness.js';
import { useMetricsStore } from './conformance/metrics-harness.js';
import { spanMetricsCases } from './conformance/metrics-span-cases.js';
import { tenantCases } from './conformance/metrics-tenant-cases.js';
import { tierCases } from './conformance/metrics-tier-cases.js';

export type { OpenStore } from './conformance/harness.js';

/**
 * Registers the behaviour every Store must have, as vitest tests, against the interface only. Each test gets a
 * fresh store in its own temp dir and an ingest clock it controls.
 * @example describeStoreConformance('duckdb', (opts) => openDuckDBStore(opts))
 */
export function describeStoreConformance(name: string, open: OpenStore): void {
  describe(`Store conformance: ${name}`, () => {
    const h = useStore(open);
    describe('round trip', () => roundTripCases(h));
    describe('batch read', () => batchReadCases(h));
    describe('outline', () => outlineCases(h));
    describe('search', () => searchCases(h));
    describe('summaries, sorting and paging', () => summaryCases(h));
    describe('catalog', () => catalogCases(h));
    describe('heatmap and attribute comparison', () => comparisonCases(h));
    describe('durability and retention', () => durabilityCases(h));
    describe('tenants', () => storeTenantCases(h));
    describe('scan of a window', () => scanCases(h));
  });
}

export type { MetricsConformanceOptions, OpenMetricsStore, SkipCases } from './conformance/metrics-harness.js';

/**
 * Registers the behaviour every MetricsStore must have, as vitest tests against the interface only: each test gets
 * a fresh store in its own temp dir. A backend may skip cases by name with a reason, which is printed.
 * @example describeMetricsStoreConformance('duckdb', { open: ({ dir }) => openDuckDBMetricsStore({ path: join(dir, 'm.duckdb') }) })
 */
export function describeMetricsStoreConformance(name: string, opts: MetricsConformanceOptions): void {
  describe(`MetricsStore conformance: ${name}`, () => {
    const h = useMetricsStore(opts);
    describe('span metrics', () => spanMetricsCases(h));
    describe('tiers and retention', () => tierCases(h));
    describe('durability', () => metricsDurabilityCases(h));
    describe('edges and errors', () => edgesAndErrorsCases(h));
    describe('documents', () => documentCases(h));
    describe('tenants', () => tenantCases(h));
  });
}
