import { latencyCount } from '@clew/analysis';
import { SpanKind, StatusCode } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { MinuteRollup, OTHER_ERRORS } from './minute-rollup.js';

const M0 = Date.UTC(2026, 11, 3, 10, 0);
const M1 = M0 + 60_000;

describe('MinuteRollup', () => {
  it('adds spans up per minute and key, with weights, and starts over after take', () => {
    const r = new MinuteRollup();
    r.addSpan(M0, 'cart', 'GET /cart', SpanKind.SERVER, StatusCode.UNSET, 1, 10e6);
    r.addSpan(M0, 'cart', 'GET /cart', SpanKind.SERVER, StatusCode.UNSET, 4, 20e6);
    r.addSpan(M0, 'cart', 'GET /cart', SpanKind.SERVER, StatusCode.ERROR, 1, 30e6);
    r.addSpan(M1, 'cart', 'GET /cart', SpanKind.SERVER, StatusCode.UNSET, 1, 40e6);
    const { spans } = r.take();
    expect(spans).toHaveLength(3);
    const first = spans.find((s) => s.minute === M0 && s.status === StatusCode.UNSET)!;
    expect(first.count).toBe(5);
    expect(first.durationSumNanos).toBe(10e6 + 4 * 20e6);
    expect(latencyCount(first.latency)).toBe(5);
    expect(r.empty).toBe(true);
    expect(r.take()).toEqual({ spans: [], edges: [], errors: [] });
  });

  it('counts error kinds per minute and service', () => {
    const r = new MinuteRollup();
    r.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'CardDeclined', 'declined', 1);
    r.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'CardDeclined', 'declined', 1);
    r.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'Timeout', 'gateway timeout', 1);
    expect(r.serviceErrors(M0, 'pay').kinds).toBe(2);
    expect(r.take().errors.map((e) => [e.type, e.count])).toEqual([
      ['CardDeclined', 2],
      ['Timeout', 1],
    ]);
    expect(r.serviceErrors(M0, 'pay').kinds).toBe(0);
  });

  it('counts new error kinds past the limit as other errors, and the kinds it has as themselves', () => {
    const r = new MinuteRollup();
    r.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'CardDeclined', 'declined', 1, 2);
    r.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'Timeout', 'gateway timeout', 1, 2);
    r.addError(M0, 'pay', 'refund', SpanKind.SERVER, 'Timeout', 'ledger timeout', 1, 2);
    r.addError(M0, 'pay', 'refund', SpanKind.SERVER, 'Timeout', 'ledger down', 2, 2);
    r.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'CardDeclined', 'declined', 1, 2);
    // Another minute and another service have limits of their own.
    r.addError(M1, 'pay', 'charge', SpanKind.SERVER, 'Timeout', 'gateway timeout', 1, 2);
    r.addError(M0, 'cart', 'add', SpanKind.CLIENT, 'Timeout', 'gateway timeout', 1, 2);
    const rows = r
      .take()
      .errors.map((e) => [e.minute === M0 ? 0 : 1, e.service, e.operation, e.type, e.message, e.count])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(rows).toEqual([
      [0, 'cart', 'add', 'Timeout', 'gateway timeout', 1],
      [0, 'pay', 'charge', 'CardDeclined', 'declined', 2],
      [0, 'pay', 'charge', 'Timeout', 'gateway timeout', 1],
      [0, 'pay', 'refund', '', OTHER_ERRORS, 3],
      [1, 'pay', 'charge', 'Timeout', 'gateway timeout', 1],
    ]);
  });

  it('merges another rollup into the rows of counting all of it in one, and leaves the other empty', () => {
    const base = { connectionType: '' as const, traceId: 't', clientDurationNanos: 5e6, serverDurationNanos: 4e6, virtualNode: null, position: 1 };
    type Count = (r: MinuteRollup, i: number) => void;
    const counts: Count[] = [
      (r, i) => r.addSpan(M0, 'cart', 'GET /cart', SpanKind.SERVER, StatusCode.UNSET, 1 + (i % 2), 1e6 * (i + 1)),
      (r, i) => r.addSpan(i % 2 ? M1 : M0, 'cart', 'POST /cart', SpanKind.SERVER, StatusCode.ERROR, 1, 3e6 * i),
      (r, i) => r.addEdge({ ...base, client: 'web', server: 'cart', failed: i % 3 === 0, epochMs: M0 + i }, 1),
      (r, i) => r.addEdge({ ...base, client: 'db-client', server: 'pg', connectionType: 'database', failed: false, epochMs: M1, serverDurationNanos: i * 1e5 }, 1),
      (r, i) => r.addError(M0, 'cart', 'POST /cart', SpanKind.SERVER, 'Timeout', `timeout ${i % 3}`, 1, 5),
    ];
    const whole = new MinuteRollup();
    const a = new MinuteRollup();
    const b = new MinuteRollup();
    for (let i = 0; i < 40; i++) {
      for (const count of counts) {
        count(whole, i);
        count(i < 25 ? a : b, i);
      }
    }
    // Rows only the merged rollup has, moved over as they are.
    b.addSpan(M1, 'pay', 'charge', SpanKind.CLIENT, StatusCode.OK, 1, 7e6);
    whole.addSpan(M1, 'pay', 'charge', SpanKind.CLIENT, StatusCode.OK, 1, 7e6);
    a.merge(b, 5);
    expect(b.empty).toBe(true);
    const sorted = (batch: ReturnType<MinuteRollup['take']>) => ({
      spans: [...batch.spans].sort((x, y) => `${x.minute}${x.operation}`.localeCompare(`${y.minute}${y.operation}`)),
      edges: [...batch.edges].sort((x, y) => `${x.minute}${x.client}`.localeCompare(`${y.minute}${y.client}`)),
      errors: [...batch.errors].sort((x, y) => x.message.localeCompare(y.message)),
    });
    expect(sorted(a.take())).toEqual(sorted(whole.take()));
  });

  it('merges error kinds up to the limit, and counts the kinds past it as other errors', () => {
    const a = new MinuteRollup();
    const b = new MinuteRollup();
    a.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'CardDeclined', 'declined', 1, 2);
    b.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'CardDeclined', 'declined', 2, 2);
    b.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'Timeout', 'gateway timeout', 1, 2);
    a.addError(M0, 'pay', 'charge', SpanKind.SERVER, 'Refused', 'connection refused', 4, 2);
    a.merge(b, 2);
    expect(a.take().errors.map((e) => [e.type, e.message, e.count])).toEqual([
      ['CardDeclined', 'declined', 3],
      ['Refused', 'connection refused', 4],
      ['', OTHER_ERRORS, 1],
    ]);
  });

  it('places an edge in the minute of its start, and leaves out the side a virtual node did not measure', () => {
    const r = new MinuteRollup();
    const base = { connectionType: '' as const, traceId: 't', clientDurationNanos: 5e6, serverDurationNanos: 4e6 };
    r.addEdge({ ...base, client: 'web', server: 'cart', failed: false, virtualNode: null, epochMs: M0 + 59_999, position: 1 }, 1);
    r.addEdge({ ...base, client: 'web', server: 'cart', failed: true, virtualNode: null, epochMs: M0 + 1, position: 1 }, 1);
    r.addEdge({ ...base, client: 'user', server: 'web', clientDurationNanos: 0, failed: false, virtualNode: 'client', epochMs: M1, position: 2 }, 1);
    const { edges } = r.take();
    const webCart = edges.find((e) => e.client === 'web')!;
    expect(webCart).toMatchObject({ minute: M0, count: 2, failed: 1 });
    expect(latencyCount(webCart.clientLatency)).toBe(2);
    const user = edges.find((e) => e.client === 'user')!;
    expect(user.minute).toBe(M1);
    expect(latencyCount(user.clientLatency)).toBe(0);
    expect(latencyCount(user.serverLatency)).toBe(1);
  });
});
