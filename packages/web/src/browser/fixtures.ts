import type { Span, TraceId, UnixNanos } from '@clew/model';
import { bool, int, SpanKind, str } from '@clew/model';
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
 * balance is off it, because it was still running when UPDATE ledger started.
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
            attributes: [{ key: 'exception.message', value: str('card declined: insufficient funds') }],
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
