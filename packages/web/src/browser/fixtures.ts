import type { Span, TraceId, UnixNanos } from '@clew/model';
import { bool, int, SpanKind, str } from '@clew/model';
import type { TreeNode } from '@clew/model/testing';
import { makeTrace, makeTraceId } from '@clew/model/testing';

/*
 * Hand-drawn traces for the browser tests. The checkout trace, in ms from its start:
 *
 *   frontend  POST /checkout        |0 ─────────────────────────────────────── 100|
 *   checkout  place order              |5 ──────────────────────────────── 95|
 *   cart      get cart                 |5 ─ 20|
 *   payment   charge card                      |25 ──────────────── 80|  ← error, exception event
 *   payment   SELECT balance                     |30 ──── 50|
 *   payment   UPDATE ledger                             |45 ────── 78|   (the last to finish)
 *   checkout  send receipt                                               |82 ─ 90|  ← links to the email trace
 *
 * The critical path runs back from the end through send receipt, charge card, UPDATE ledger and get cart; SELECT
 * balance is off it, because it was still running when UPDATE ledger started. The root's url.full is a long URL
 * (folded in the span detail); charge card's exception event names its type.
 */
export interface Fixtures {
  checkout: { traceId: TraceId; spans: Span[] };
  email: { traceId: TraceId; spans: Span[] };
}

export function buildFixtures(startMs = Date.now() - 60_000): Fixtures {
  const t0 = (BigInt(startMs) * 1_000_000n) as UnixNanos;
  const email = makeTrace((t0 + 200_000_000n) as UnixNanos, {
    service: 'email',
    name: 'send receipt email',
    kind: SpanKind.CONSUMER,
    at: 0,
    ms: 12,
    attributes: [{ key: 'messaging.system', value: str('kafka') }],
  });
  const checkoutId = makeTraceId();
  const spans = makeTrace(
    t0,
    {
      service: 'frontend',
      name: 'POST /checkout',
      at: 0,
      ms: 100,
      attributes: [
        { key: 'http.route', value: str('/checkout') },
        { key: 'http.response.status_code', value: int(500) },
        { key: 'url.full', value: str(LONG_URL) },
      ],
      children: [
        {
          service: 'checkout',
          name: 'place order',
          at: 5,
          ms: 90,
          children: [
            { service: 'cart', name: 'get cart', at: 5, ms: 15 },
            {
              service: 'payment',
              name: 'charge card',
              at: 25,
              ms: 55,
              error: true,
              attributes: [
                { key: 'payment.amount_cents', value: int(4999) },
                { key: 'payment.card.network', value: str('visa') },
                { key: 'payment.retried', value: bool(false) },
              ],
              children: [
                { service: 'payment', name: 'SELECT balance', at: 30, ms: 20, kind: SpanKind.CLIENT },
                { service: 'payment', name: 'UPDATE ledger', at: 45, ms: 33, kind: SpanKind.CLIENT },
              ],
            },
            { service: 'checkout', name: 'send receipt', at: 82, ms: 8, kind: SpanKind.PRODUCER },
          ],
        },
      ],
    },
    checkoutId,
  );
  const decorated = spans.map((s): Span => {
    if (s.name === 'charge card') {
      return {
        ...s,
        events: [
          {
            timeUnixNano: (s.endTimeUnixNano - 1_000_000n) as UnixNanos,
            name: 'exception',
            attributes: [
              { key: 'exception.type', value: str('CardDeclinedError') },
              { key: 'exception.message', value: str('card declined: insufficient funds') },
            ],
            droppedAttributesCount: 0,
          },
        ],
        status: { code: 2, message: 'card declined' },
      };
    }
    if (s.name === 'send receipt') {
      return { ...s, links: [{ traceId: email[0]!.traceId, spanId: email[0]!.spanId, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 1 }] };
    }
    return s;
  });
  return { checkout: { traceId: checkoutId, spans: decorated }, email: { traceId: email[0]!.traceId, spans: email } };
}

/** A URL long enough to be folded in the span detail: 40 query parameters, then a last one the test looks for. */
export const LONG_URL = `https://shop.example/checkout?${Array.from({ length: 40 }, (_, i) => `item${i}=sku-${1000 + i}`).join('&')}&coupon=LASTPARAM`;

/**
 * A wide trace: `batch run` with 150 `item n` children one after the other, of which `item 70` and `item 140`
 * failed, so that the errors (and any span past the first screen) have to be scrolled to.
 */
export function buildWideTrace(startMs = Date.now() - 120_000): { traceId: TraceId; spans: Span[] } {
  const t0 = (BigInt(startMs) * 1_000_000n) as UnixNanos;
  const children: TreeNode[] = Array.from({ length: 150 }, (_, i) => ({ service: 'worker', name: `item ${i}`, at: i, ms: 1, error: i === 70 || i === 140 }));
  const spans = makeTrace(t0, { service: 'worker', name: 'batch run', at: 0, ms: 151, children });
  return { traceId: spans[0]!.traceId, spans };
}

/** A trace with a 64-bit id (the upper half zero), as Zipkin and Jaeger clients make them. */
export function build64BitTrace(startMs = Date.now() - 90_000): { traceId: TraceId; shortId: string; spans: Span[] } {
  const shortId = 'c0ffee0123456789';
  const t0 = (BigInt(startMs) * 1_000_000n) as UnixNanos;
  const spans = makeTrace(t0, { service: 'legacy', name: 'GET /orders', at: 0, ms: 20, children: [{ service: 'legacy', name: 'load orders', at: 2, ms: 15 }] }, `${'0'.repeat(16)}${shortId}` as TraceId);
  return { traceId: spans[0]!.traceId, shortId, spans };
}
