import type { Span, UnixNanos } from '@clew/model';
import { int, str } from '@clew/model';
import { makeTrace } from '@clew/model/testing';

/**
 * Known traffic for service health: a shop whose every request is one whole trace,
 *
 *   user → frontend  GET /checkout (server)
 *            └─ frontend → checkout  POST /checkout (client → server)
 *                 ├─ checkout → payment  charge (client → server; every 5th fails with an exception)
 *                 └─ checkout → shipping orders (producer → consumer, via kafka)
 *            └─ frontend → catalog  GET /search (client → server)
 *                 └─ catalog → duckdb  SELECT reviews (client, db.system=duckdb; every 10th is slow)
 *
 * with durations from fixed sequences, so the exact figures are known: what each service's spans took is returned
 * beside the traces.
 */
export interface HealthTraffic {
  readonly traces: Span[][];
  /** Durations in ms of each service's SERVER (or CONSUMER for shipping) spans, and how many of them failed. */
  readonly served: Record<string, { readonly durationsMs: number[]; errors: number; readonly operation: string }>;
  /** Paired edges and their counts and failures. */
  readonly edges: Record<string, { count: number; failed: number }>;
}

export const HEALTH_SERVICES = ['catalog', 'checkout', 'frontend', 'payment', 'shipping'] as const;

/** `n` requests, request i starting at `startMs + i * spacingMs`; `offset` shifts the sequences (send halves). */
export function healthTraffic(startMs: number, n: number, spacingMs: number, offset = 0): HealthTraffic {
  const served: HealthTraffic['served'] = {
    frontend: { durationsMs: [], errors: 0, operation: 'GET /checkout' },
    checkout: { durationsMs: [], errors: 0, operation: 'POST /checkout' },
    payment: { durationsMs: [], errors: 0, operation: 'charge' },
    shipping: { durationsMs: [], errors: 0, operation: 'process orders' },
    catalog: { durationsMs: [], errors: 0, operation: 'GET /search' },
  };
  const edges: HealthTraffic['edges'] = {};
  const edge = (key: string, failed: boolean) => {
    const e = (edges[key] ??= { count: 0, failed: 0 });
    e.count++;
    if (failed) e.failed++;
  };
  const traces: Span[][] = [];
  for (let j = 0; j < n; j++) {
    const i = j + offset;
    const pay = 5 + ((i * 37) % 120); // 5..124 ms
    const payFails = i % 5 === 4;
    const ship = 1 + ((i * 13) % 9);
    const query = i % 10 === 9 ? 400 + ((i * 7) % 100) : 2 + ((i * 11) % 20);
    const search = query + 3;
    const checkout = pay + 10;
    const front = checkout + search + 5;
    served.frontend!.durationsMs.push(front);
    served.checkout!.durationsMs.push(checkout);
    served.payment!.durationsMs.push(pay);
    served.shipping!.durationsMs.push(ship);
    served.catalog!.durationsMs.push(search);
    if (payFails) {
      served.payment!.errors++;
      served.checkout!.errors++;
    }
    edge('frontend→checkout', payFails);
    edge('checkout→payment', payFails);
    edge('checkout→shipping', false);
    edge('frontend→catalog', false);
    edge('catalog→duckdb', false);
    const start = (BigInt(startMs + j * spacingMs) * 1_000_000n) as UnixNanos;
    const spans = makeTrace(start, {
      service: 'frontend',
      name: 'GET /checkout',
      at: 0,
      ms: front,
      kind: 2,
      children: [
        {
          service: 'frontend',
          name: 'POST /checkout',
          kind: 3,
          at: 1,
          ms: checkout + 1,
          error: payFails,
          children: [
            {
              service: 'checkout',
              name: 'POST /checkout',
              kind: 2,
              at: 1.5,
              ms: checkout,
              error: payFails,
              children: [
                {
                  service: 'checkout',
                  name: 'charge',
                  kind: 3,
                  at: 2,
                  ms: pay + 1,
                  error: payFails,
                  children: [{ service: 'payment', name: 'charge', kind: 2, at: 2.5, ms: pay, error: payFails }],
                },
                {
                  service: 'checkout',
                  name: 'orders send',
                  kind: 4,
                  at: 3,
                  ms: 1,
                  attributes: [{ key: 'messaging.system', value: str('kafka') }],
                  children: [{ service: 'shipping', name: 'process orders', kind: 5, at: 5, ms: ship }],
                },
              ],
            },
          ],
        },
        {
          service: 'frontend',
          name: 'GET /search',
          kind: 3,
          at: checkout + 3,
          ms: search + 1,
          children: [
            {
              service: 'catalog',
              name: 'GET /search',
              kind: 2,
              at: checkout + 3.5,
              ms: search,
              children: [
                {
                  service: 'catalog',
                  name: 'SELECT reviews',
                  kind: 3,
                  at: checkout + 4,
                  ms: query,
                  attributes: [
                    { key: 'db.system', value: str('duckdb') },
                    { key: 'db.statement', value: str('SELECT * FROM reviews WHERE product_id = ?') },
                    { key: 'rows', value: int(i % 4) },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    if (payFails) {
      // The payment server span records the exception, as OpenTelemetry's recordException does.
      const at = spans.findIndex((s) => s.name === 'charge' && s.kind === 2);
      const s = spans[at]!;
      spans[at] = {
        ...s,
        status: { code: 2, message: 'card declined' },
        events: [
          {
            timeUnixNano: s.startTimeUnixNano,
            name: 'exception',
            attributes: [
              { key: 'exception.type', value: str('CardDeclinedError') },
              { key: 'exception.message', value: str('card declined by issuer') },
            ],
            droppedAttributesCount: 0,
          },
        ],
      };
    }
    traces.push(spans);
  }
  return { traces, served, edges };
}

/** The value at quantile q as a DDSketch reads it (rank q × (n − 1), rounded down), of unsorted values. */
export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}
