import type { SpanId, UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { traceRow } from './trace-row.js';

const T0 = 1_700_000_000_000_000_000n as UnixNanos;

describe('traceRow', () => {
  /*
   * (root missing)   frontend GET /     [missing parent]
   *                    |=========|       0–10 ms, an orphan: its parent never arrived
   *                 cart late              |========|  8–16 ms, child of the orphan, fails
   */
  it('takes the earliest orphan as root when the root is missing, and spans the whole trace', () => {
    const spans = makeTrace(T0, { service: 'frontend', name: 'GET /', at: 0, ms: 10, children: [{ service: 'cart', name: 'late', at: 8, ms: 8, error: true }] });
    const orphaned = [spans[1]!, { ...spans[0]!, parentSpanId: 'ffffffffffffffff' as SpanId }];
    expect(traceRow(orphaned)).toMatchObject({
      rootService: 'frontend',
      rootName: 'GET /',
      startTimeUnixNano: T0.toString(),
      durationNanos: '16000000',
      spanCount: 2,
      errorCount: 1,
      services: [
        { name: 'cart', spanCount: 1, errorCount: 1 },
        { name: 'frontend', spanCount: 1, errorCount: 0 },
      ],
    });
  });

  it('is null for no spans', () => expect(traceRow([])).toBeNull());
});
