import { int, SpanKind, StatusCode, str } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { DRAWN_T0, drawTrace } from './draw-trace.js';

describe('drawTrace', () => {
  it('reads ids, parents, services, names, times and marks from the picture', () => {
    const [a, b, c] = drawTrace(`
      A .  frontend  GET /cart  |--------|
      B A  cart                   |--|     !  kind=client http.response.status_code=503 peer=db
      C ?  worker                     ||   resource.region=eu
    `);
    expect([a!.name, a!.kind, a!.parentSpanId, a!.startTimeUnixNano - DRAWN_T0, a!.endTimeUnixNano - DRAWN_T0]).toEqual(['GET /cart', SpanKind.SERVER, null, 0n, 90_000_000n]);
    expect([b!.name, b!.kind, b!.parentSpanId, b!.status.code, b!.startTimeUnixNano - DRAWN_T0]).toEqual(['B', SpanKind.CLIENT, a!.spanId, StatusCode.ERROR, 20_000_000n]);
    expect(b!.attributes).toEqual([
      { key: 'http.response.status_code', value: int(503) },
      { key: 'peer', value: str('db') },
    ]);
    expect(c!.kind).toBe(SpanKind.INTERNAL);
    expect(c!.parentSpanId).not.toBeNull();
    expect([a, b, c].map((s) => s!.parentSpanId === c!.parentSpanId)).toEqual([false, false, true]); // C's parent is not drawn
    expect(c!.resource.attributes).toContainEqual({ key: 'region', value: str('eu') });
    expect(new Set([a!.traceId, b!.traceId, c!.traceId]).size).toBe(1);
    expect(a!.resource).not.toBe(c!.resource);
  });

  it('shares one resource per service', () => {
    const [a, b] = drawTrace(`
      A .  cart  |----|
      B A  cart   |-|
    `);
    expect(a!.resource).toBe(b!.resource);
  });

  it('refuses what it cannot read', () => {
    expect(() => drawTrace('B X svc |--|')).toThrow("span B's parent X is not drawn");
    expect(() => drawTrace('A . svc |--| kind=sideways')).toThrow('unknown kind sideways');
    expect(() => drawTrace('A . svc |--| oops')).toThrow('cannot read mark "oops"');
  });
});
