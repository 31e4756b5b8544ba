import { describe, expect, it } from 'vitest';
import { queryInstantResponseJson, queryRangeResponseJson } from './metrics-response.js';

describe('TraceQL metrics responses as jsonpb writes them', () => {
  const result = {
    series: [
      {
        labels: [
          { name: 'span.status', value: { type: 'int' as const, value: 200n } },
          { name: 'p', value: { type: 'double' as const, value: 0 } },
          { name: 'ok', value: { type: 'bool' as const, value: false } },
          { name: 'd', value: { type: 'duration' as const, nanos: 1_500_000n } },
        ],
        samples: [
          { timestampMs: 1000, value: 0 },
          { timestampMs: 2000, value: 0.5 },
        ],
        exemplars: [{ labels: [{ name: 'trace:id', value: { type: 'string' as const, value: 'abc' } }], value: 0.5, timestampMs: 1500 }],
      },
    ],
    inspectedTraces: 2,
    inspectedSpans: 3,
  };

  it('writes int64 as strings, leaves zero fields out but keeps oneof values, durations as Go writes them', () => {
    expect(queryRangeResponseJson(result)).toEqual({
      series: [
        {
          labels: [
            { key: 'span.status', value: { intValue: '200' } },
            { key: 'p', value: { doubleValue: 0 } },
            { key: 'ok', value: { boolValue: false } },
            { key: 'd', value: { stringValue: '1.5ms' } },
          ],
          samples: [{ timestampMs: '1000' }, { timestampMs: '2000', value: 0.5 }],
          exemplars: [{ labels: [{ key: 'trace:id', value: { stringValue: 'abc' } }], value: 0.5, timestampMs: '1500' }],
        },
      ],
      metrics: { inspectedTraces: 2, inspectedSpans: '3', completedJobs: 1, totalJobs: 1 },
    });
  });

  it('says PARTIAL with the reason when the answer is incomplete; no series, no field', () => {
    expect(queryRangeResponseJson({ series: [], inspectedTraces: 0, inspectedSpans: 0, partial: 'why' })).toEqual({
      metrics: { completedJobs: 1, totalJobs: 1 },
      status: 'PARTIAL',
      message: 'why',
    });
  });

  it('an instant answer has one value per series', () => {
    expect(queryInstantResponseJson(result)).toMatchObject({ series: [{ labels: expect.any(Array) }] });
    expect((queryInstantResponseJson(result) as { series: object[] }).series[0]).not.toHaveProperty('value');
  });
});
