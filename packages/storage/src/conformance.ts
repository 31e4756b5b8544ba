import { describe } from 'vitest';
import { catalogCases } from './conformance/catalog-cases.js';
import { durabilityCases } from './conformance/durability-cases.js';
import type { OpenStore } from './conformance/harness.js';
import { useStore } from './conformance/harness.js';
import { outlineCases } from './conformance/outline-cases.js';
import { batchReadCases, roundTripCases } from './conformance/round-trip-cases.js';
import { searchCases } from './conformance/search-cases.js';
import { summaryCases } from './conformance/summary-cases.js';

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
    describe('durability and retention', () => durabilityCases(h));
  });
}
