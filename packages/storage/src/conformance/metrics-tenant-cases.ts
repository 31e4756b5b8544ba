import { expect } from 'vitest';
import type { SpanKind, Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { EdgeRow, ErrorRow, MetricsReader, SpanMetricsQuery, SpanMetricsRow } from '../metrics/metrics-store.js';
import type { MetricsHarness } from './metrics-harness.js';
import { BASE, bins, HOUR, min, MINUTE, referenceSpanMetrics, row, tierFixture } from './metrics-fixtures.js';

const ACME: Tenant = 'acme';
const none = { spans: [], edges: [], errors: [] };

/**
 * Two tenants with the same services, operations and kinds over the same four hours, but different rows: the
 * default tenant's fixture from minute 0, acme's from minute 7 (other counts land on each key and minute), plus a
 * service only acme has. Rows without `tenant` are DEFAULT_TENANT's.
 */
function twoTenants(): { own: SpanMetricsRow[]; acme: SpanMetricsRow[] } {
  const own = tierFixture(0, 240);
  const acme = [...tierFixture(7, 233), row({ m: 100, service: 'acme-only', count: 4 })].map((r) => ({ ...r, tenant: ACME }));
  return { own, acme };
}

/** A row far later, for each tenant, so that maintenance treats the fixture's hours as complete. */
const later = (tenant?: Tenant): SpanMetricsRow => ({ ...row({ m: 24 * 60, service: 'late' }), ...(tenant && { tenant }) });

/** Every grouping, the filters, and windows and steps that read minutes, quarters and hours. */
function tenantQueries(): SpanMetricsQuery[] {
  const shapes: Omit<SpanMetricsQuery, 'from' | 'to'>[] = [
    { groupBy: [] },
    { groupBy: ['service'] },
    { groupBy: ['operation'] },
    { groupBy: ['kind'] },
    { groupBy: ['service', 'operation', 'kind'] },
    { groupBy: ['service'], services: ['cart', 'acme-only'] },
    { groupBy: ['operation'], operations: ['query'] },
    { groupBy: ['service', 'kind'], kinds: [2 as SpanKind] },
  ];
  const windows: [number, number, number | undefined][] = [
    [min(0), min(240), undefined],
    [min(0), min(240), HOUR],
    [min(7), min(233), 15 * MINUTE],
    [min(59), min(121), MINUTE],
  ];
  return windows.flatMap(([from, to, step]) => shapes.map((s) => ({ from, to, ...s, ...(step && { step }) })));
}

async function expectApart(
  readers: { own: MetricsReader; acme: MetricsReader },
  rows: { own: readonly SpanMetricsRow[]; acme: readonly SpanMetricsRow[] },
  label: string,
): Promise<void> {
  for (const q of tenantQueries()) {
    expect(await readers.own.spanMetrics(q), `${label}, ${DEFAULT_TENANT}: ${JSON.stringify(q)}`).toEqual(referenceSpanMetrics(rows.own, q));
    expect(await readers.acme.spanMetrics(q), `${label}, ${ACME}: ${JSON.stringify(q)}`).toEqual(referenceSpanMetrics(rows.acme, q));
  }
}

const edge = (m: number, client: string, server: string, count: number, tenant?: Tenant): EdgeRow => ({
  ...(tenant && { tenant }),
  minute: min(m),
  client,
  server,
  connectionType: '',
  count,
  failed: 0,
  clientLatency: bins([[50, count]]),
  serverLatency: bins([[40, count]]),
});

const err = (m: number, type: string, count: number, tenant?: Tenant): ErrorRow => ({
  ...(tenant && { tenant }),
  minute: min(m),
  service: 'checkout',
  operation: 'POST /pay',
  kind: 2 as SpanKind,
  type,
  message: 'm',
  count,
});

export function tenantCases(h: MetricsHarness): void {
  h.it('keeps tenants apart in span metrics of every grouping, before and after rollups and a reopen', async () => {
    const { own, acme } = twoTenants();
    // Interleaved in the same batches: a batch may hold several tenants' rows.
    const mixed = own.flatMap((r, i) => (acme[i] ? [r, acme[i]!] : [r]));
    for (let i = 0; i < mixed.length; i += 211) await h.store.append({ ...none, spans: mixed.slice(i, i + 211) }, BigInt(i + 1));
    await h.store.append({ ...none, spans: [later(), later(ACME)] }, 100_000n);
    const ownAll = [...own, later()];
    const acmeAll = [...acme, later(ACME)];
    const check = async (label: string): Promise<void> => {
      await expectApart({ own: h.store, acme: h.store.forTenant(ACME) }, { own: ownAll, acme: acmeAll }, label);
      await expectApart({ own: h.store.forTenant(DEFAULT_TENANT), acme: h.store.forTenant(ACME) }, { own: ownAll, acme: acmeAll }, `${label} (forTenant)`);
      expect(await h.store.forTenant('nobody').spanMetrics({ from: min(0), to: min(24 * 60 + 1), groupBy: ['service'] })).toEqual([]);
    };
    await check('before maintenance');
    await h.maintain();
    await check('after maintenance');
    await h.reopen();
    await check('after reopen');
  });

  h.it('keeps tenants apart in edges and top errors', async () => {
    await h.store.append(
      {
        spans: [],
        edges: [edge(0, 'frontend', 'cart', 2), edge(0, 'frontend', 'cart', 5, ACME), edge(1, 'cart', 'redis', 1, ACME)],
        errors: [err(0, 'TimeoutError', 2), err(0, 'TimeoutError', 7, ACME), err(1, 'CardError', 1, ACME)],
      },
      1n,
    );
    const window = { from: BASE, to: BASE + HOUR };
    const acme = h.store.forTenant(ACME);
    const counts = async (r: MetricsReader, service?: string): Promise<unknown[]> =>
      (await r.edges({ ...window, ...(service && { service }) })).map((e) => [e.client, e.server, e.count]);
    expect(await counts(h.store)).toEqual([['frontend', 'cart', 2]]);
    expect(await counts(acme)).toEqual([['cart', 'redis', 1], ['frontend', 'cart', 5]]);
    expect(await counts(h.store, 'redis')).toEqual([]);
    expect(await counts(acme, 'redis')).toEqual([['cart', 'redis', 1]]);
    const errors = async (r: MetricsReader): Promise<unknown[]> =>
      (await r.topErrors({ ...window, service: 'checkout', limit: 10 })).map((e) => [e.type, e.count]);
    expect(await errors(h.store)).toEqual([['TimeoutError', 2]]);
    expect(await errors(acme)).toEqual([['TimeoutError', 7], ['CardError', 1]]);
    expect(await errors(h.store.forTenant('nobody'))).toEqual([]);
    await h.reopen();
    expect(await counts(h.store)).toEqual([['frontend', 'cart', 2]]);
    expect(await errors(h.store.forTenant(ACME))).toEqual([['TimeoutError', 7], ['CardError', 1]]);
  });

  h.it('keeps documents per tenant: the same id in two tenants is two documents', async () => {
    const acme = h.store.forTenant(ACME);
    await h.store.putDocument('slos', { id: 'a', body: 'own', updatedAt: 1 });
    await acme.putDocument('slos', { id: 'a', body: 'acme', updatedAt: 2 });
    await acme.putDocument('slos', { id: 'b', body: 'acme b', updatedAt: 3 });
    expect(await h.store.listDocuments('slos')).toEqual([{ id: 'a', body: 'own', updatedAt: 1 }]);
    expect(await h.store.forTenant(DEFAULT_TENANT).listDocuments('slos')).toEqual([{ id: 'a', body: 'own', updatedAt: 1 }]);
    expect(await acme.listDocuments('slos')).toEqual([
      { id: 'a', body: 'acme', updatedAt: 2 },
      { id: 'b', body: 'acme b', updatedAt: 3 },
    ]);
    expect(await h.store.deleteDocument('slos', 'b')).toBe(false);
    expect(await acme.deleteDocument('slos', 'a')).toBe(true);
    expect(await h.store.listDocuments('slos')).toEqual([{ id: 'a', body: 'own', updatedAt: 1 }]);
    const s = await h.reopen();
    expect(await s.listDocuments('slos')).toEqual([{ id: 'a', body: 'own', updatedAt: 1 }]);
    expect(await s.forTenant(ACME).listDocuments('slos')).toEqual([{ id: 'b', body: 'acme b', updatedAt: 3 }]);
    expect(await s.forTenant('nobody').listDocuments('slos')).toEqual([]);
  });

  h.it("drops only the named tenant's rows, on every tier, with dropBefore(cutoff, tenant)", async () => {
    const { own, acme } = twoTenants();
    await h.store.append(
      { spans: [...own, ...acme], edges: [edge(0, 'a', 'b', 1), edge(0, 'a', 'b', 2, ACME)], errors: [err(0, 'E', 1), err(0, 'E', 2, ACME)] },
      1n,
    );
    await h.store.append({ ...none, spans: [later(), later(ACME)] }, 2n);
    await h.maintain();
    const cutoff = min(100) + 1; // inside minute 100: acme's minute 100 goes, 101 stays
    expect(await h.store.dropBefore(cutoff, ACME)).toBeGreaterThan(0);
    const ownLeft = [...own, later()];
    const acmeLeft = [...acme.filter((r) => r.minute >= cutoff), later(ACME)];
    const check = async (label: string): Promise<void> => {
      await expectApart({ own: h.store, acme: h.store.forTenant(ACME) }, { own: ownLeft, acme: acmeLeft }, label);
      const window = { from: BASE, to: BASE + HOUR };
      expect((await h.store.edges(window)).map((e) => e.count)).toEqual([1]);
      expect(await h.store.forTenant(ACME).edges(window)).toEqual([]);
      expect((await h.store.topErrors({ ...window, service: 'checkout', limit: 5 })).map((e) => e.count)).toEqual([1]);
      expect(await h.store.forTenant(ACME).topErrors({ ...window, service: 'checkout', limit: 5 })).toEqual([]);
    };
    await check('after dropBefore of acme');
    await h.maintain();
    await check('after dropBefore of acme and maintenance');
    await h.reopen();
    await check('after dropBefore of acme and a reopen');
    expect(await h.store.dropBefore(cutoff, ACME)).toBe(0);
    // The default tenant's own retention leaves acme's rows.
    const ownCutoff = min(60);
    expect(await h.store.dropBefore(ownCutoff, DEFAULT_TENANT)).toBeGreaterThan(0);
    await expectApart(
      { own: h.store, acme: h.store.forTenant(ACME) },
      { own: ownLeft.filter((r) => r.minute >= ownCutoff), acme: acmeLeft },
      'after dropBefore of both',
    );
  });
}
