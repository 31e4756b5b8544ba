import type { Tenant } from '@clew/model';
import type { TenantLimitsConfig } from '../config/schema.js';
import { ClewError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { TokenBucket } from '../pipeline/tail/token-bucket.js';

type LimitsByTenant = Readonly<Record<string, TenantLimitsConfig>>;

/**
 * The `tenants` section at work: each tenant's limits (its own entry over `defaults`), its ingest rate as a token
 * bucket, and refusals that name the limit, as the OTLP spec asks of a 429 and Tempo's messages do, counted per
 * tenant on /metrics.
 */
export class TenantLimits {
  private readonly buckets = new Map<Tenant, TokenBucket | null>();

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
  checkRequestBytes(tenant: Tenant, bytes: number, spans = 0): void {
    const max = this.of(tenant).maxRequestBytes;
    if (max === undefined || bytes <= max) return;
    this.metrics.tenantSpansRefused.inc({ tenant, limit: 'max_request_bytes' }, spans);
    throw new ClewError('PAYLOAD_TOO_LARGE', `request of ${bytes} bytes is over tenant "${tenant}"'s limit of ${max} (${this.keyOf(tenant, 'maxRequestBytes')})`);
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
