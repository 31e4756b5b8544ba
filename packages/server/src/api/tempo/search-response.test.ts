import type { SpanId, TraceId, UnixNanos } from '@clew/model';
import { dbl, str } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { searchResponseJson } from './search-response.js';

const T = '0102030405060708090a0b0c0d0e0f10' as TraceId;
const START = 1_700_000_000_000_000_000n as UnixNanos;
const span = makeSpan({ traceId: T, spanId: 'a1a2a3a4a5a6a7a8' as SpanId, name: 'select', startTimeUnixNano: START, endTimeUnixNano: (START + 2_500_000n) as UnixNanos });

describe('searchResponseJson (Tempo SearchResponse as jsonpb writes it)', () => {
  it('renders traces, spansets and metrics; uint64 as strings, zero values left out, trace ids without leading zeros', () => {
    const json = searchResponseJson({
      traces: [
        {
          traceId: T,
          rootServiceName: 'cart',
          rootSpanName: 'GET /cart',
          startTimeUnixNano: START,
          durationNanos: 12_900_000n,
          spanSets: [
            {
              spans: [{ span, attributes: [{ key: 'status', value: str('error') }, { key: 'ratio', value: dbl(0.5) }] }],
              matched: 4,
              aggregates: [{ name: 'count()', value: 4 }, { name: 'avg(duration)', value: 1.5 }], // 1.5 ns, truncated as Go does
              by: [{ key: 'by(resource.service.name)', value: str('cart') }],
            },
          ],
        },
        { traceId: T, startTimeUnixNano: START, durationNanos: 400_000n, spanSets: [] },
      ],
      inspectedTraces: 2,
      inspectedSpans: 9,
    });
    const spanSet = {
      spans: [
        {
          spanID: 'a1a2a3a4a5a6a7a8',
          name: 'select',
          startTimeUnixNano: '1700000000000000000',
          durationNanos: '2500000',
          attributes: [
            { key: 'status', value: { stringValue: 'error' } },
            { key: 'ratio', value: { doubleValue: 0.5 } },
          ],
        },
      ],
      matched: 4,
      attributes: [
        { key: 'by(resource.service.name)', value: { stringValue: 'cart' } },
        { key: 'count()', value: { intValue: '4' } },
        { key: 'avg(duration)', value: { stringValue: '1ns' } },
      ],
    };
    expect(json).toEqual({
      traces: [
        {
          traceID: '102030405060708090a0b0c0d0e0f10',
          rootServiceName: 'cart',
          rootTraceName: 'GET /cart',
          startTimeUnixNano: '1700000000000000000',
          durationMs: 12,
          spanSet,
          spanSets: [spanSet],
        },
        { traceID: '102030405060708090a0b0c0d0e0f10', startTimeUnixNano: '1700000000000000000' },
      ],
      metrics: { inspectedTraces: 2, inspectedSpans: '9', completedJobs: 1, totalJobs: 1 },
    });
  });
});
