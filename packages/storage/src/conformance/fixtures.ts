import type { Resource, Span, TraceId, UnixNanos } from '@clew/model';
import { dbl, int, SpanKind, str } from '@clew/model';
import { makeResource, makeTrace } from '@clew/model/testing';

export const MS = 1_000_000n;
/** Span start times of the search fixtures (independent of the ingest clock). */
export const T0 = 1_764_000_000_000_000_000n as UnixNanos;
export const at = (ms: number): UnixNanos => (T0 + BigInt(ms) * MS) as UnixNanos;

export const ID = {
  A: '0000000000000000000000000000000a' as TraceId,
  B: '0000000000000000000000000000000b' as TraceId,
  C: '0000000000000000000000000000000c' as TraceId,
  D: '0000000000000000000000000000000d' as TraceId,
};

const CART: Resource = makeResource('cart', [{ key: 'region', value: str('eu') }]);

/**
 * Four traces. Times are ms after T0; C and D start at the same instant (a tie broken by trace id).
 *
 *   A @1000  frontend GET /api (server, 120ms, GET, 200) ─► cart cart.get (30ms, user.id=u1) ─► cart SELECT (5ms, ERROR)
 *   B @2000  frontend GET /api (server, 50ms, GET, 500, ERROR) ─► payment charge (client, 40ms, amount=12.5)
 *   C @3000  frontend POST /checkout (server, 300ms, POST) ─► cart cart.get (10ms; event cache.key=k1)
 *   D @3000  frontend GET /api (server, 80ms, GET, 200)
 */
export function searchFixture(): Span[] {
  const http = (method: string, status: number) => [
    { key: 'http.method', value: str(method) },
    { key: 'http.status_code', value: int(status) },
  ];
  const a = makeTrace(at(1000), {
    service: 'frontend', name: 'GET /api', at: 0, ms: 120, attributes: http('GET', 200),
    children: [{ service: 'cart', name: 'cart.get', at: 10, ms: 30, kind: SpanKind.SERVER, attributes: [{ key: 'user.id', value: str('u1') }],
      children: [{ service: 'cart', name: 'SELECT', at: 15, ms: 5, kind: SpanKind.CLIENT, error: true }] }],
  }, ID.A);
  const b = makeTrace(at(2000), {
    service: 'frontend', name: 'GET /api', at: 0, ms: 50, attributes: http('GET', 500), error: true,
    children: [{ service: 'payment', name: 'charge', at: 5, ms: 40, kind: SpanKind.CLIENT, attributes: [{ key: 'amount', value: dbl(12.5) }] }],
  }, ID.B);
  const c = makeTrace(at(3000), {
    service: 'frontend', name: 'POST /checkout', at: 0, ms: 300, attributes: http('POST', 200),
    children: [{ service: 'cart', name: 'cart.get', at: 20, ms: 10, kind: SpanKind.SERVER }],
  }, ID.C);
  const d = makeTrace(at(3000), { service: 'frontend', name: 'GET /api', at: 0, ms: 80, attributes: http('GET', 200) }, ID.D);
  const spans = [...a, ...b, ...c, ...d].map((s) => (s.resource.attributes[0]!.value.type === 'string' &&
    s.resource.attributes[0]!.value.value === 'cart' ? { ...s, resource: CART } : s));
  // The cart span of C carries an event with an attribute.
  const i = spans.findIndex((s) => s.traceId === ID.C && s.name === 'cart.get');
  const cs = spans[i]!;
  spans[i] = { ...cs, events: [{ timeUnixNano: cs.startTimeUnixNano, name: 'lookup', attributes: [{ key: 'cache.key', value: str('k1') }], droppedAttributesCount: 0 }] };
  return spans;
}

export const byStartThenId = (a: Span, b: Span): number =>
  a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
