import { expect, it } from 'vitest';
import type { UnixNanos } from '@clew/model';
import { SpanKind } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { Harness } from './harness.js';
import { at, searchFixture } from './fixtures.js';

export function catalogCases(h: Harness): void {
  it('lists services sorted, and none for an empty store', async () => {
    expect(await h.store.services()).toEqual([]);
    await h.store.append(searchFixture());
    expect(await h.store.services()).toEqual(['cart', 'frontend', 'payment']);
  });

  it('lists a service operations sorted by name then kind, optionally of one kind', async () => {
    await h.store.append(searchFixture());
    await h.store.append(makeTrace(at(5000), { service: 'cart', name: 'cart.get', at: 0, ms: 1, kind: SpanKind.CLIENT }));
    expect(await h.store.operations({ service: 'cart' })).toEqual([
      { name: 'SELECT', spanKind: SpanKind.CLIENT },
      { name: 'cart.get', spanKind: SpanKind.SERVER },
      { name: 'cart.get', spanKind: SpanKind.CLIENT },
    ]);
    expect(await h.store.operations({ service: 'cart', spanKind: SpanKind.SERVER })).toEqual([{ name: 'cart.get', spanKind: SpanKind.SERVER }]);
    expect(await h.store.operations({ service: 'frontend', spanKind: SpanKind.CONSUMER })).toEqual([]);
    expect(await h.store.operations({ service: 'nope' })).toEqual([]);
  });

  it('counts calls between services from parent/child pairs, with the child errors', async () => {
    await h.store.append(searchFixture());
    // A second call frontend -> payment, this one failing; and a same-service pair, which is not a dependency.
    await h.store.append(
      makeTrace(at(4000), {
        service: 'frontend', name: 'GET /pay', at: 0, ms: 20,
        children: [{ service: 'payment', name: 'charge', at: 1, ms: 5, error: true, children: [{ service: 'payment', name: 'inner', at: 2, ms: 1 }] }],
      }),
    );
    const all = await h.store.dependencies({ start: at(0), end: at(10_000) });
    expect(all).toEqual([
      { parent: 'frontend', child: 'cart', callCount: 2, errorCount: 0 },
      { parent: 'frontend', child: 'payment', callCount: 2, errorCount: 1 },
    ]);
    expect(await h.store.dependencies({ start: at(3500), end: at(10_000) })).toEqual([
      { parent: 'frontend', child: 'payment', callCount: 1, errorCount: 1 },
    ]);
    expect(await h.store.dependencies({ start: at(20_000), end: at(30_000) as UnixNanos })).toEqual([]);
  });
}
