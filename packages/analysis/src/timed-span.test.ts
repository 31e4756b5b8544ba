import type { UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { timedSpansFromApi, timedSpansFromModel } from './timed-span.js';

// Beyond 2^53 ns since the epoch: a Number could not hold these times, the offsets it can.
const T0 = 1_700_000_000_000_000_001n as UnixNanos;

describe('timed spans', () => {
  it('from model spans: offsets from the earliest start, exact to the nanosecond', () => {
    const spans = makeTrace(T0, { service: 'fe', name: 'GET /', at: 0, ms: 10, children: [{ service: 'cart', name: 'get', at: 0.000001, ms: 5, error: true }] });
    expect(timedSpansFromModel(spans)).toEqual([
      { spanId: spans[0]!.spanId, parentSpanId: null, start: 0, end: 10_000_000, service: 'fe', name: 'GET /', error: false },
      { spanId: spans[1]!.spanId, parentSpanId: spans[0]!.spanId, start: 1, end: 5_000_001, service: 'cart', name: 'get', error: true },
    ]);
  });

  it('from an API trace (decimal-string times, resources by index)', () => {
    const trace = {
      resources: [{ serviceName: 'fe' }, { serviceName: 'cart' }],
      spans: [
        { spanId: 'b', parentSpanId: 'a', name: 'get', startTimeUnixNano: '1700000000000000003', endTimeUnixNano: '1700000000000000009', status: { code: 'error' }, resource: 1 },
        { spanId: 'a', parentSpanId: null, name: 'GET /', startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000000000011', status: { code: 'unset' }, resource: 0 },
      ],
    };
    expect(timedSpansFromApi(trace)).toEqual([
      { spanId: 'b', parentSpanId: 'a', start: 2, end: 8, service: 'cart', name: 'get', error: true },
      { spanId: 'a', parentSpanId: null, start: 0, end: 10, service: 'fe', name: 'GET /', error: false },
    ]);
  });

  it('handles an empty trace', () => {
    expect(timedSpansFromApi({ resources: [], spans: [] })).toEqual([]);
    expect(timedSpansFromModel([])).toEqual([]);
  });
});
