import type { SpanKind, Attributes } from '@opentelemetry/api';
import type { FastifyOtelInstrumentationOpts } from '@fastify/otel';
import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';

/** Where sampling decisions for new root spans come from. Every strategy follows the caller's decision when there is one. */
export type SamplingOptions =
  | { type: 'always_on' }
  | { type: 'always_off' }
  /** Keep this fraction (0..1) of new traces, chosen by trace id. */
  | { type: 'ratio'; ratio: number }
  | RemoteSamplingOptions;

/** Strategies fetched from a Jaeger remote-sampling endpoint (`GET ${endpoint}?service=…`). */
export interface RemoteSamplingOptions {
  type: 'remote';
  /** Default http://127.0.0.1:14268/api/sampling (where a Jaeger collector serves strategies). */
  endpoint?: string;
  /** How often the strategies are fetched again; default 60,000 ms. */
  pollingIntervalMs?: number;
  /** The ratio used until the first fetch succeeds and whenever the endpoint cannot be read; default 0.001. */
  initialSamplingRate?: number;
}

/** Per-instrumentation configuration: auto-instrumentations-node's names, and `@fastify/otel` for Fastify. */
export type InstrumentationOptions = InstrumentationConfigMap & { '@fastify/otel'?: FastifyOtelInstrumentationOpts };

export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/** The propagation formats `propagators` and `OTEL_PROPAGATORS` can name. */
export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger';

/** Options of {@link start}. Anything left out is read from the standard `OTEL_*` environment variables. */
export interface StartOptions {
  /** `service.name`; default `OTEL_SERVICE_NAME`, then `unknown_service:node`. */
  serviceName?: string;
  /** `service.version`. */
  serviceVersion?: string;
  /** Clew's OTLP/HTTP base address; spans go to `${endpoint}/v1/traces`. Default http://127.0.0.1:4318. */
  endpoint?: string;
  /**
   * A Clew token with the `write` scope (`clew token create --tenant … --scope write`), for a Clew with
   * `auth.tokens`: sent as `authorization: Bearer <token>` with every span export and every poll of a remote
   * sampler's endpoint. Default `CLEW_TOKEN`. It wins over an `authorization` in `OTEL_EXPORTER_OTLP_HEADERS` /
   * `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, whose other headers are still sent. Never printed in the SDK's diagnostics.
   * @example start({ serviceName: 'checkout', token: process.env.CHECKOUT_CLEW_TOKEN })
   */
  token?: string;
  /** More resource attributes, over those of `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;
  /**
   * Per-instrumentation configuration merged over Clew's defaults (fs, dns, net and router off; pino and winston inject
   * `trace_id`/`span_id`/`trace_flags` without sending log records), e.g.
   * `{ '@opentelemetry/instrumentation-fs': { enabled: true } }` or `{ '@fastify/otel': { enabled: false } }`.
   */
  instrumentations?: InstrumentationOptions;
  /** How new traces are sampled; default `OTEL_TRACES_SAMPLER`, then parent-based always-on. */
  sampling?: SamplingOptions;
  /** Formats injected into outgoing requests; default `OTEL_PROPAGATORS`, then tracecontext and baggage. */
  propagators?: PropagatorName[];
  /** Level of the SDK's own diagnostics on the console; default `OTEL_LOG_LEVEL`, then `warn`. */
  logLevel?: LogLevel;
}

/** Options of {@link withSpan}. */
export interface WithSpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
}
