import { z } from 'zod';
import { processorsConfigSchema } from '../pipeline/processors/config.js';
import { tailSamplingConfigSchema } from '../pipeline/tail/config.js';
import { samplingConfigSchema } from '../sampling/config.js';
import { alertingConfigSchema, slosConfigSchema } from '../slo/config.js';
import { duration, metricsConfigSchema, storageConfigSchema } from './sections.js';
import { isValidTenant } from '@clew/model';
import { TOKEN_HASH } from '../auth/tokens.js';

const port = z.number().int().min(0).max(65535);
const tenantName = z.string().refine(isValidTenant, { message: 'expected a tenant name: letters, digits and _ . - only, 1 to 64 of them' });
/** `retention` reads a single duration as `{ spans }`. */
const spansIfString = (v: unknown) => (typeof v === 'string' ? { spans: v } : v);

/** One tenant's limits (`tenants.<name>`, or `tenants.defaults` for every tenant); anything absent is unlimited or global. */
const tenantLimitsSchema = z
  .object({
    /** Spans a second the tenant may send (a token bucket); past it 429 with Retry-After. Unlimited when absent. */
    ingestRate: z.number().positive().optional(),
    /** Spans the bucket holds (a burst over the rate); twice the rate when absent. */
    ingestBurst: z.number().int().positive().optional(),
    /** Largest request body of this tenant (no more than limits.maxRequestBytes applies anyway); 413 above it. */
    maxRequestBytes: z.number().int().positive().optional(),
    /** Most spans one trace of this tenant keeps; later ones are refused (a partial success naming the limit). */
    maxSpansPerTrace: z.number().int().positive().optional(),
    /** How long this tenant's spans and metrics are kept, when shorter than `retention`. */
    retention: z.preprocess(spansIfString, z.object({ spans: duration.optional(), metrics: duration.optional() }).strict()).optional(),
    /** metrics.maxOperationsPerService for this tenant. */
    maxOperationsPerService: z.number().int().positive().optional(),
  })
  .strict();
export type TenantLimitsConfig = z.infer<typeof tenantLimitsSchema>;

/** Clew's whole configuration: one schema with defaults, validated once at start-up. */
export const configSchema = z
  .object({
    /**
     * What this process runs: `all` (the default: everything, on any store), `collector` (the receivers and the
     * pipeline, writing to a shared store; its query port answers /health and /metrics only) or `query` (the UI and
     * every query API over a shared store, and retention). `collector` and `query` need storage.backend clickhouse.
     */
    role: z.enum(['all', 'collector', 'query']).default('all'),
    /** Address every listener binds to. Clew listens on loopback unless told otherwise. */
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('./data'),
    /**
     * How long data is kept: `spans` (whole partitions older than this are dropped) and `metrics` (the per-minute
     * rollups behind service health and SLOs, kept longer). A single duration sets `spans` alone.
     */
    retention: z.preprocess(spansIfString, z.object({ spans: duration.default('7d'), metrics: duration.default('30d') }).strict().prefault({})),
    ports: z
      .object({
        otlpGrpc: port.default(4317),
        otlpHttp: port.default(4318),
        query: port.default(16686),
        /** Zipkin's collector and v2 query API, on Zipkin's own port. */
        zipkin: port.default(9411),
        /** Jaeger collector's HTTP Thrift endpoint (POST /api/traces, application/x-thrift). */
        jaegerThriftHttp: port.default(14268),
        /** Jaeger agent's UDP ports: compact Thrift (what Jaeger clients send by default) and binary Thrift. */
        jaegerCompact: port.default(6831),
        jaegerBinary: port.default(6832),
        /** Tempo's HTTP API, for Grafana's Tempo data source. */
        tempo: port.default(3200),
      })
      .strict()
      .prefault({}),
    /**
     * TLS on every TCP listener (OTLP/HTTP, OTLP/gRPC, query, Zipkin, Jaeger Thrift HTTP, Tempo) from PEM files,
     * re-read when they change (docs/configuration.md, "TLS"). Plaintext when absent.
     */
    tls: z
      .object({
        certFile: z.string({ error: 'TLS needs both tls.certFile and tls.keyFile (--tls-cert and --tls-key)' }).min(1),
        keyFile: z.string({ error: 'TLS needs both tls.certFile and tls.keyFile (--tls-cert and --tls-key)' }).min(1),
      })
      .strict()
      .optional(),
    /**
     * Tokens (docs/configuration.md, "Auth and tenants"). When present, every ingest and query API needs a token
     * (`Authorization: Bearer …`), and each token writes or reads one tenant's data. Off (one default tenant, no
     * tokens) when absent.
     */
    auth: z
      .object({
        tokens: z
          .array(
            z
              .object({
                /** `sha256:<hex>` of the token, as `clew token create` prints it. */
                hash: z.string().regex(TOKEN_HASH, { message: 'expected sha256: and 64 hex digits, as `clew token create` prints it' }),
                tenant: tenantName,
                scope: z.enum(['write', 'read', 'admin']),
                name: z.string().optional(),
                /** Admin tokens: the other tenants X-Scope-OrgID may pick, or "*" for any. */
                tenants: z.union([z.literal('*'), z.array(tenantName)]).optional(),
              })
              .strict()
              .refine((t) => t.tenants === undefined || t.scope === 'admin', { message: 'only an admin token may list tenants' }),
          )
          .min(1, { message: 'auth needs at least one token (clew token create)' }),
        /**
         * The Jaeger agent's UDP ports carry no credentials: with auth on they are closed unless this names the
         * tenant their spans belong to.
         */
        agentTenant: tenantName.optional(),
      })
      .strict()
      .optional(),
    /** Limits per tenant: `defaults` for every tenant, and any tenant by name (docs/configuration.md). */
    tenants: z.record(z.union([z.literal('defaults'), tenantName]), tenantLimitsSchema).default({}),
    limits: z
      .object({
        /** Largest request body accepted, compressed or not, in bytes (413 above it). */
        maxRequestBytes: z.number().int().positive().default(16 * 1024 * 1024),
        /**
         * Spans accepted but not yet in the store; above it receivers answer 503 with Retry-After. Unset: three times
         * the store writer's batch (a full batch being written and the next one gathered are both pending), and at
         * least 200,000 (pendingLimit).
         */
        maxPendingSpans: z.number().int().positive().optional(),
        /** Seconds clients are asked to wait before retrying when the pipeline is full. */
        retryAfterSeconds: z.number().int().positive().default(1),
      })
      .strict()
      .prefault({}),
    /**
     * Where spans live: the embedded DuckDB files under dataDir (the default), or a ClickHouse server that several
     * collectors and query nodes share (docs/configuration.md, "Storage"). One section per backend.
     */
    storage: storageConfigSchema,
    /** What happens to spans between the receivers and the store (docs/configuration.md, "Pipeline"). */
    pipeline: z
      .object({
        /** Run in order on every request before it is logged: limits, filter, redact, enrich, headSampling. */
        processors: processorsConfigSchema,
        /** Strategies served at `GET /api/sampling?service=` (Jaeger remote sampling): fixed, or adaptive. */
        sampling: samplingConfigSchema,
        /** Tail sampling between the log and the store: off unless it lists policies. */
        tailSampling: tailSamplingConfigSchema,
      })
      .strict()
      .prefault({}),
    /** Span metrics and the service graph, counted from every accepted span (docs/configuration.md, "Service health"). */
    metrics: metricsConfigSchema,
    /** Service level objectives (docs/configuration.md, "SLOs"). */
    slos: slosConfigSchema,
    alerting: alertingConfigSchema,
    ui: z
      .object({
        /** Serve the web UI's source maps (`/assets/*.map`); they are refused (404) unless this is set. */
        serveSourceMaps: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
    /** Range archives (`clew archive --out DIR`) attached read-only: their spans are read beside the live ones. */
    archive: z
      .object({ dirs: z.array(z.string().min(1)).default([]) })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => c.role === 'all' || c.storage.backend !== 'duckdb', {
    message: 'a collector or query role needs a store other processes share: storage.backend clickhouse (--storage clickhouse --clickhouse-url …)',
    path: ['role'],
  });

export type ClewConfig = z.infer<typeof configSchema>;
/** What a caller may give: any part of the configuration, the rest defaulted. */
export type ClewConfigInput = z.input<typeof configSchema>;
