import { expect } from 'vitest';
import type { MetricsHarness } from './metrics-harness.js';

export function documentCases(h: MetricsHarness): void {
  h.it('puts, replaces, lists by id and deletes documents per collection', async () => {
    await h.store.putDocument('slos', { id: 'b', body: '{"v":1}', updatedAt: 1 });
    await h.store.putDocument('slos', { id: 'a', body: '{"v":2}', updatedAt: 2 });
    await h.store.putDocument('slo-alerts', { id: 'a', body: 'firing', updatedAt: 3 });
    await h.store.putDocument('slos', { id: 'b', body: '{"v":3}', updatedAt: 1_764_000_000_123 });
    expect(await h.store.listDocuments('slos')).toEqual([
      { id: 'a', body: '{"v":2}', updatedAt: 2 },
      { id: 'b', body: '{"v":3}', updatedAt: 1_764_000_000_123 },
    ]);
    expect(await h.store.deleteDocument('slos', 'a')).toBe(true);
    expect(await h.store.deleteDocument('slos', 'a')).toBe(false);
    expect(await h.store.deleteDocument('nothing', 'b')).toBe(false);
    const s = await h.reopen();
    expect(await s.listDocuments('slos')).toEqual([{ id: 'b', body: '{"v":3}', updatedAt: 1_764_000_000_123 }]);
    expect(await s.listDocuments('slo-alerts')).toEqual([{ id: 'a', body: 'firing', updatedAt: 3 }]);
  });
}
