import { expect, it } from 'vitest';
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
}
