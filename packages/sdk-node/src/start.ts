import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { AlwaysOnSampler, NoopSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { B3SamplingStates } from './b3-sampling.js';
import { tracesUrl } from './endpoint.js';
import { registerEsmHook } from './esm-hook.js';
import { installShutdownHooks } from './shutdown-hooks.js';
import { clewInstrumentations } from './instrumentations.js';
import { diagLevel } from './log-level.js';
import type { StartOptions } from './options.js';
import { ClewPropagator, DEFAULT_INJECTED, parsePropagatorList } from './propagation.js';
import { markRandomTraceIds } from './random-trace-id.js';
import { createSampler, samplerFromEnv } from './sampler.js';
import { bearer, tokenOf } from './token.js';

/** A started SDK. */
export interface ClewSdk {
  /** Exports every span still held and stops; later calls return the same promise. */
  shutdown(): Promise<void>;
}

let active: ClewSdk | undefined;

function setupDiagnostics(options: StartOptions, env: NodeJS.ProcessEnv): void {
  const level = diagLevel(options.logLevel) ?? diagLevel(env.OTEL_LOG_LEVEL) ?? DiagLogLevel.WARN;
  diag.setLogger(new DiagConsoleLogger(), { logLevel: level, suppressOverrideMessage: true });
}

function buildResource(options: StartOptions): Resource {
  // Explicit options win over OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, which win over detected values.
  const detected = detectResources({ detectors: [processDetector, hostDetector, envDetector] });
  const explicit = { ...options.resourceAttributes };
  if (options.serviceName) explicit['service.name'] = options.serviceName;
  if (options.serviceVersion) explicit['service.version'] = options.serviceVersion;
  return defaultResource().merge(detected).merge(resourceFromAttributes(explicit));
}

/** The service name without waiting for the resource's asynchronous detectors: option, then environment. */
function serviceNameOf(options: StartOptions): string {
  const fromEnv = detectResources({ detectors: [envDetector] }).attributes['service.name'];
  return options.serviceName ?? (typeof fromEnv === 'string' ? fromEnv : 'unknown_service:node');
}

/**
 * Where spans go: Clew's OTLP exporter (the default, and always when the `endpoint` option is given), nowhere
 * (`OTEL_TRACES_EXPORTER=none`), or the exporters OpenTelemetry's SDK builds from `OTEL_TRACES_EXPORTER`.
 */
function traceExport(options: StartOptions, env: NodeJS.ProcessEnv): 'otlp' | 'none' | 'environment' {
  const names = (options.endpoint ? '' : (env.OTEL_TRACES_EXPORTER ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0 || (names.length === 1 && names[0] === 'otlp')) return 'otlp';
  // A leading `none` means no exporter, as OpenTelemetry's SDK reads the list; but the SDK then sets up no tracer
  // provider at all, so no span is made and a service forwards its caller's traceparent unchanged.
  return names[0] === 'none' ? 'none' : 'environment';
}

/** The sampler: the `sampling` option's, else `OTEL_TRACES_SAMPLER`'s, else parent-based always-on; B3's states first. */
function sampler(options: StartOptions, env: NodeJS.ProcessEnv, token: string | undefined, stops: Array<() => void>): B3SamplingStates {
  const service = serviceNameOf(options);
  const chosen = options.sampling ? createSampler(options.sampling, service, stops, token) : samplerFromEnv(env, service, stops, token);
  return new B3SamplingStates(chosen ?? new ParentBasedSampler({ root: new AlwaysOnSampler() }));
}

function sdkConfiguration(options: StartOptions, env: NodeJS.ProcessEnv, stops: Array<() => void>): Partial<NodeSDKConfiguration> {
  const resource = buildResource(options);
  const envPropagators = parsePropagatorList(env.OTEL_PROPAGATORS, (m) => diag.warn(m));
  const injected = options.propagators ?? (envPropagators === undefined ? DEFAULT_INJECTED : envPropagators);
  const exporter = traceExport(options, env);
  const token = tokenOf(options.token, env);
  const config: Partial<NodeSDKConfiguration> = {
    resource,
    autoDetectResources: false,
    instrumentations: clewInstrumentations(options.instrumentations),
    textMapPropagator: injected === null ? null : new ClewPropagator(injected),
    // Clew stores traces: metrics and logs are off unless their exporters are asked for by name.
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    sampler: sampler(options, env, token, stops),
  };
  // The exporter merges these over OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, so an explicit token wins for `authorization`
  // (an `Authorization` of other case too: Node sets headers case-insensitively, the last one given winning) and the
  // environment's other headers still go out.
  if (exporter === 'otlp') config.traceExporter = new OTLPTraceExporter({ url: tracesUrl(options.endpoint, env), headers: bearer(token) });
  if (exporter === 'environment' && token !== undefined) {
    diag.warn('@clew/node: the token goes only to Clew\'s own exporter, not to those OTEL_TRACES_EXPORTER names; give them OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20<token>');
  }
  // Spans are still made (sampled ones go nowhere), so ids are generated and propagated as with an exporter.
  if (exporter === 'none') config.spanProcessors = [new NoopSpanProcessor()];
  return config;
}

/**
 * Starts OpenTelemetry with Clew's defaults: auto-instrumentation, OTLP/HTTP protobuf export to Clew, W3C, B3 and
 * Jaeger header extraction, pino/winston log correlation. Options left out come from the `OTEL_*` environment.
 * Call it before the application imports the libraries to instrument (see `@clew/node/register`). Spans still held
 * are flushed when the process ends (beforeExit, SIGTERM, SIGINT) or on `shutdown()`.
 * @example const sdk = start({ serviceName: 'checkout' }); … await sdk.shutdown();
 */
export function start(options: StartOptions = {}): ClewSdk {
  // The OpenTelemetry SDK reads process.env itself; Clew's own settings read the same environment.
  const env = process.env;
  if (active) {
    diag.warn('@clew/node: start() was called again; the SDK is already running');
    return active;
  }
  setupDiagnostics(options, env);
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    active = { shutdown: () => Promise.resolve() };
    return active;
  }
  registerEsmHook();
  const stops: Array<() => void> = [];
  const config = sdkConfiguration(options, env, stops);
  // NodeSDK installs its own console logger when OTEL_LOG_LEVEL is set, warning that it replaces one; Clew's (which
  // also honours the logLevel option) goes back in place right after.
  diag.disable();
  const sdk = new NodeSDK(config);
  setupDiagnostics(options, env);
  sdk.start();
  markRandomTraceIds();
  let stopping: Promise<void> | undefined;
  active = {
    shutdown: () => {
      if (!stopping) {
        for (const stop of stops) stop();
        stopping = sdk.shutdown().catch((err: unknown) => diag.error('@clew/node: shutdown failed', err));
      }
      return stopping;
    },
  };
  installShutdownHooks(active);
  return active;
}

/** Shuts down the SDK started by {@link start} or `@clew/node/register`, flushing its spans; a no-op if none runs. */
export function shutdown(): Promise<void> {
  return active?.shutdown() ?? Promise.resolve();
}
