import { describe, expect, it } from 'vitest';
import { ClewError } from '../errors.js';
import { createMetrics } from '../observability/metrics.js';
import { TenantLimits } from './tenant-limits.js';

function refusal(fn: () => unknown): ClewError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ClewError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('TenantLimits', () => {
  it("merges a tenant's own limits over the defaults", () => {
    const limits = new TenantLimits({ defaults: { ingestRate: 100, retention: { spans: '3d' } }, b: { ingestRate: 5, retention: { metrics: '7d' } } }, createMetrics());
    expect(limits.of('a')).toEqual({ ingestRate: 100, retention: { spans: '3d', metrics: undefined } });
    expect(limits.of('b')).toEqual({ ingestRate: 5, retention: { spans: '3d', metrics: '7d' } });
  });

  it('refuses a tenant over its rate with RATE_LIMITED naming the limit and the wait, and leaves the others alone', () => {
    let now = 0;
    const metrics = createMetrics();
    const limits = new TenantLimits({ b: { ingestRate: 10, ingestBurst: 20 } }, metrics, () => now);
    limits.admitSpans('b', 20);
    const err = refusal(() => limits.admitSpans('b', 10));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.httpStatus).toBe(429);
    expect(err.message).toBe('tenant "b" is over its ingest rate limit (tenants.b.ingestRate: 10 spans/s, burst 20); retry after the delay given');
    expect(err.retryAfterSeconds).toBe(1);
    for (let i = 0; i < 100; i++) limits.admitSpans('a', 1000); // no limit of its own, none by default
    now = 1000;
    limits.admitSpans('b', 10); // a second later, ten more tokens
  });

  it('lets a request larger than the burst through on a full bucket, and makes the next ones wait for the debt', () => {
    let now = 0;
    const limits = new TenantLimits({ defaults: { ingestRate: 10, ingestBurst: 10 } }, createMetrics(), () => now);
    limits.admitSpans('c', 50);
    const err = refusal(() => limits.admitSpans('c', 1));
    expect(err.message).toContain('tenants.defaults.ingestRate');
    expect(err.retryAfterSeconds).toBe(5); // 40 spans of debt and one more, at 10 a second
    now = 4100;
    limits.admitSpans('c', 1);
  });

  it('refuses a body over the tenant\'s own maxRequestBytes with PAYLOAD_TOO_LARGE', () => {
    const limits = new TenantLimits({ small: { maxRequestBytes: 100 } }, createMetrics());
    limits.checkRequestBytes('small', 100);
    limits.checkRequestBytes('other', 10_000);
    const err = refusal(() => limits.checkRequestBytes('small', 101));
    expect([err.code, err.httpStatus, err.message]).toEqual(['PAYLOAD_TOO_LARGE', 413, `request of 101 bytes is over tenant "small"'s limit of 100 (tenants.small.maxRequestBytes)`]);
  });
});
