import type { Span, Tenant } from '@clew/model';
import type { TenantLimitsConfig } from '../config/schema.js';
import { ClewError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { TokenBucket } from '../pipeline/tail/token-bucket.js';

type LimitsByTenant = Readonly<Record<string, TenantLimitsConfig>>;

/** Traces whose span counts are remembered for maxSpansPerTrace, over every tenant (the oldest forgotten first). */
const TRACE_MEMORY = 100_000;

/**
 * The `tenants` section at work: each tenant's limits (its own entry over `defaults`), its ingest rate as a token
 * bucket, and refusals that name the limit, as the OTLP spec asks of a 429 and Tempo's messages do, counted per
 * tenant on /metrics.
 */
export class TenantLimits {
  private readonly buckets = new Map<Tenant, TokenBucket | null>();
  /** Spans seen per tenant and trace (`tenant/traceId`), for the tenants with maxSpansPerTrace. */
  private readonly perTrace = new Map<string, number>();

  constructor(
    private readonly config: LimitsByTenant,
    private readonly metrics: Metrics,
    private readonly now: () => number = Date.now,
  ) {}

  /** A tenant's limits: its own entry's, else `defaults`'. */
  of(tenant: Tenant): TenantLimitsConfig {
    const own = Object.hasOwn(this.config, tenant) ? this.config[tenant] : undefined;
    const defaults = this.config.defaults;
    const retention = { spans: own?.retention?.spans ?? defaults?.retention?.spans, metrics: own?.retention?.metrics ?? defaults?.retention?.metrics };
    return { ...defaults, ...own, retention };
  }

  /** Where a tenant's limit comes from, as a config key, for messages. */
  private keyOf(tenant: Tenant, limit: keyof TenantLimitsConfig): string {
    return Object.hasOwn(this.config, tenant) && this.config[tenant]?.[limit] !== undefined ? `tenants.${tenant}.${limit}` : `tenants.defaults.${limit}`;
  }

  /** Spends `spans` of the tenant's ingest rate, or throws RATE_LIMITED with the wait until it would not. */
  admitSpans(tenant: Tenant, spans: number): void {
    const bucket = this.bucketOf(tenant);
    if (bucket === null) return;
    const now = this.now();
    if (bucket.take(now, spans)) return;
    this.metrics.tenantSpansRefused.inc({ tenant, limit: 'ingest_rate' }, spans);
    const limits = this.of(tenant);
    throw new ClewError(
      'RATE_LIMITED',
      `tenant "${tenant}" is over its ingest rate limit (${this.keyOf(tenant, 'ingestRate')}: ${limits.ingestRate} spans/s, ` +
        `burst ${bucket.burst}); retry after the delay given`,
      { retryAfterSeconds: Math.max(1, Math.ceil(bucket.waitMs(now, spans) / 1000)) },
    );
  }

  /** Throws PAYLOAD_TOO_LARGE when a request body is over the tenant's own maxRequestBytes. */
  checkRequestBytes(tenant: Tenant, bytes: number): void {
    const max = this.of(tenant).maxRequestBytes;
    if (max === undefined || bytes <= max) return;
    this.metrics.tenantRequestsRefused.inc({ tenant, limit: 'max_request_bytes' });
    throw new ClewError('PAYLOAD_TOO_LARGE', `request of ${bytes} bytes is over tenant "${tenant}"'s limit of ${max} (${this.keyOf(tenant, 'maxRequestBytes')})`);
  }

  /**
   * The spans a tenant's maxSpansPerTrace lets through (all of them when it has none), and a message naming the limit
   * for those refused: an OTLP partial success, as a trace too large is not a reason to retry.
   */
  limitTraceSpans(tenant: Tenant, spans: readonly Span[]): { spans: readonly Span[]; refused: number; message: string } {
    const max = this.of(tenant).maxSpansPerTrace;
    if (max === undefined) return { spans, refused: 0, message: '' };
    const kept = spans.filter((s) => this.admitTraceSpan(`${tenant}/${s.traceId}`, max));
    const refused = spans.length - kept.length;
    if (refused === 0) return { spans, refused: 0, message: '' };
    this.metrics.tenantSpansRefused.inc({ tenant, limit: 'max_spans_per_trace' }, refused);
    return { spans: kept, refused, message: `${refused} spans over tenant "${tenant}"'s limit of ${max} spans per trace (${this.keyOf(tenant, 'maxSpansPerTrace')})` };
  }

  private admitTraceSpan(key: string, max: number): boolean {
    const n = this.perTrace.get(key) ?? 0;
    if (n >= max) return false;
    if (n === 0) {
      if (this.perTrace.size >= TRACE_MEMORY) this.perTrace.delete(this.perTrace.keys().next().value!);
    } else {
      // Refreshed, so the traces still receiving spans are the last to be forgotten.
      this.perTrace.delete(key);
    }
    this.perTrace.set(key, n + 1);
    return true;
  }

  private bucketOf(tenant: Tenant): TokenBucket | null {
    let b = this.buckets.get(tenant);
    if (b === undefined) {
      const { ingestRate, ingestBurst } = this.of(tenant);
      b = ingestRate === undefined ? null : new TokenBucket(ingestRate, ingestBurst ?? Math.max(1, Math.ceil(2 * ingestRate)));
      this.buckets.set(tenant, b);
    }
    return b;
  }
}
