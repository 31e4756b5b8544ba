import { expect } from 'vitest';
import type { SpanKind } from '@clew/model';
import type { EdgeRow, ErrorRow } from '../metrics/metrics-store.js';
import type { MetricsHarness } from './metrics-harness.js';
import { BASE, bins, HOUR, min, MINUTE } from './metrics-fixtures.js';

const edge = (m: number, client: string, server: string, count: number, extra: Partial<EdgeRow> = {}): EdgeRow => ({
  minute: min(m),
  client,
  server,
  connectionType: '',
  count,
  failed: 0,
  clientLatency: bins([[50, count]]),
  serverLatency: bins([[40, count]]),
  ...extra,
});

const err = (m: number, operation: string, type: string, message: string, count: number, service = 'checkout'): ErrorRow => ({
  minute: min(m),
  service,
  operation,
  kind: 2 as SpanKind,
  type,
  message,
  count,
});

export function edgesAndErrorsCases(h: MetricsHarness): void {
  h.it('adds up edges per bucket and filters by a service at either end', async () => {
    const rows = [
      edge(0, 'frontend', 'cart', 2, { failed: 1 }),
      edge(0, 'frontend', 'cart', 3, { clientLatency: bins([[51, 3]], 1) }),
      edge(1, 'cart', 'redis', 4, { connectionType: 'database' }),
      edge(6, 'frontend', 'cart', 1),
      edge(6, 'frontend', 'payment', 1, { connectionType: 'virtual_node' }),
    ];
    await h.store.append({ spans: [], edges: rows.slice(0, 3), errors: [] }, 1n);
    await h.store.append({ spans: [], edges: rows.slice(3), errors: [] }, 2n);
    const all = await h.store.edges({ from: BASE, to: BASE + HOUR });
    expect(all).toEqual([
      { t: BASE, client: 'cart', server: 'redis', connectionType: 'database', count: 4, failed: 0, clientLatency: bins([[50, 4]]), serverLatency: bins([[40, 4]]) },
      { t: BASE, client: 'frontend', server: 'cart', connectionType: '', count: 6, failed: 1, clientLatency: bins([[50, 3], [51, 3]], 1), serverLatency: bins([[40, 6]]) },
      { t: BASE, client: 'frontend', server: 'payment', connectionType: 'virtual_node', count: 1, failed: 0, clientLatency: bins([[50, 1]]), serverLatency: bins([[40, 1]]) },
    ]);
    const stepped = await h.store.edges({ from: BASE, to: BASE + HOUR, step: 5 * MINUTE, service: 'cart' });
    expect(stepped.map((e) => [e.t, e.client, e.server, e.count])).toEqual([
      [min(0), 'cart', 'redis', 4],
      [min(0), 'frontend', 'cart', 5],
      [min(5), 'frontend', 'cart', 1],
    ]);
    expect(await h.store.edges({ from: min(1), to: min(2), service: 'redis' })).toHaveLength(1);
    expect(await h.store.edges({ from: min(2), to: min(6) })).toEqual([]);
    expect(await h.store.edges({ from: BASE, to: BASE + HOUR, service: 'nobody' })).toEqual([]);
  });

  h.it('ranks errors by count, then by the most recent, with the last minute seen and a limit', async () => {
    await h.store.append(
      {
        spans: [],
        edges: [],
        errors: [
          err(0, 'POST /pay', 'TimeoutError', 'deadline exceeded', 2),
          err(3, 'POST /pay', 'TimeoutError', 'deadline exceeded', 1),
          err(1, 'POST /pay', 'CardError', 'declined', 3),
          err(4, 'GET /cart', '', 'status 503', 3),
          err(2, 'GET /cart', 'Other', 'x', 1),
          err(2, 'POST /pay', 'TimeoutError', 'deadline exceeded', 9, 'frontend'),
          err(90, 'POST /pay', 'TimeoutError', 'deadline exceeded', 9),
        ],
      },
      1n,
    );
    const window = { from: BASE, to: BASE + HOUR, service: 'checkout' };
    expect(await h.store.topErrors({ ...window, limit: 10 })).toEqual([
      { operation: 'GET /cart', type: '', message: 'status 503', count: 3, lastSeen: min(4) },
      { operation: 'POST /pay', type: 'TimeoutError', message: 'deadline exceeded', count: 3, lastSeen: min(3) },
      { operation: 'POST /pay', type: 'CardError', message: 'declined', count: 3, lastSeen: min(1) },
      { operation: 'GET /cart', type: 'Other', message: 'x', count: 1, lastSeen: min(2) },
    ]);
    expect((await h.store.topErrors({ ...window, limit: 2 })).map((e) => e.message)).toEqual(['status 503', 'deadline exceeded']);
    expect((await h.store.topErrors({ ...window, operation: 'POST /pay', limit: 10 })).map((e) => [e.type, e.count])).toEqual([
      ['TimeoutError', 3],
      ['CardError', 3],
    ]);
    expect(await h.store.topErrors({ ...window, service: 'nobody', limit: 10 })).toEqual([]);
  });

  h.it('drops edges and errors before the cutoff', async () => {
    await h.store.append({ spans: [], edges: [edge(0, 'a', 'b', 1), edge(10, 'a', 'b', 2)], errors: [err(0, 'op', 'E', 'm', 1), err(10, 'op', 'E', 'm', 2)] }, 1n);
    expect(await h.store.dropBefore(min(10))).toBeGreaterThanOrEqual(2);
    expect((await h.store.edges({ from: BASE, to: BASE + HOUR })).map((e) => e.count)).toEqual([2]);
    expect((await h.store.topErrors({ from: BASE, to: BASE + HOUR, service: 'checkout', limit: 5 })).map((e) => e.count)).toEqual([2]);
  });
}
