import type { SpanId, TraceId, UnixNanos } from '@clew/model';
import type { TraceDigest } from '@clew/storage';
import { describe, expect, it } from 'vitest';
import { traceRow } from './trace-row.js';

const T0 = 1_700_000_000_000_000_000n;
const digest = (over: Partial<TraceDigest> = {}): TraceDigest => ({
  traceId: '0000000000000000000000000000000a' as TraceId,
  root: { service: 'frontend', name: 'GET /', kind: 'root' },
  startTimeUnixNano: T0 as UnixNanos,
  endTimeUnixNano: (T0 + 16_000_000n) as UnixNanos,
  spanCount: 4,
  errorCount: 1,
  orphanCount: 0,
  services: [
    { name: 'cart', spanCount: 2, errorCount: 1 },
    { name: 'db', spanCount: 1, errorCount: 0 },
    { name: 'frontend', spanCount: 1, errorCount: 0 },
  ],
  ...over,
});

describe('traceRow', () => {
  it('writes times as exact decimal strings and lists services with the most spans first, then by name', () => {
    expect(traceRow(digest())).toEqual({
      traceId: '0000000000000000000000000000000a',
      rootService: 'frontend',
      rootName: 'GET /',
      startTimeUnixNano: '1700000000000000000',
      durationNanos: '16000000',
      spanCount: 4,
      errorCount: 1,
      services: [
        { name: 'cart', spanCount: 2, errorCount: 1 },
        { name: 'db', spanCount: 1, errorCount: 0 },
        { name: 'frontend', spanCount: 1, errorCount: 0 },
      ],
    });
  });

  it('gives a trace that ends before it starts a duration of 0', () => {
    expect(traceRow(digest({ endTimeUnixNano: (T0 - 5n) as UnixNanos })).durationNanos).toBe('0');
  });

  it('carries the matched span with its own duration', () => {
    const matched = { spanId: '00000000000000b1' as SpanId, service: 'db', name: 'SELECT', durationNanos: 2_500_000n };
    expect(traceRow(digest(), matched).matchedSpan).toEqual({ spanId: '00000000000000b1', service: 'db', name: 'SELECT', durationNanos: '2500000' });
  });
});
