import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { tracesUrl } from './endpoint.js';
import { registerEsmHook } from './esm-hook.js';
import { installShutdownHooks } from './shutdown-hooks.js';
import { clewInstrumentations } from './instrumentations.js';
import { diagLevel } from './log-level.js';
import type { StartOptions } from './options.js';
import { ClewPropagator, DEFAULT_INJECTED, parsePropagatorList } from './propagation.js';
import { createSampler, remoteSamplingFromEnv } from './sampler.js';

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

function sdkConfiguration(options: StartOptions, env: NodeJS.ProcessEnv, stops: Array<() => void>): Partial<NodeSDKConfiguration> {
  const resource = buildResource(options);
  const envPropagators = parsePropagatorList(env.OTEL_PROPAGATORS, (m) => diag.warn(m));
  const injected = options.propagators ?? (envPropagators === undefined ? DEFAULT_INJECTED : envPropagators);
  const sampling = options.sampling ?? remoteSamplingFromEnv(env);
  const exporterFromEnv = !options.endpoint && env.OTEL_TRACES_EXPORTER && env.OTEL_TRACES_EXPORTER.trim() !== 'otlp';
  const config: Partial<NodeSDKConfiguration> = {
    resource,
    autoDetectResources: false,
    instrumentations: clewInstrumentations(options.instrumentations),
    textMapPropagator: injected === null ? null : new ClewPropagator(injected),
    // Clew stores traces: metrics and logs are off unless their exporters are asked for by name.
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  };
  if (!exporterFromEnv) config.traceExporter = new OTLPTraceExporter({ url: tracesUrl(options.endpoint, env) });
  if (sampling) config.sampler = createSampler(sampling, serviceNameOf(options), stops);
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
