import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/**
 * Clew's defaults over OpenTelemetry's: fs, dns and net make a span per file read, lookup and socket, which buries
 * the spans people look for. Express 5 routes through the `router` package, so the router instrumentation doubled
 * every Express span (`middleware - patched`, a second `request handler`); the express one alone names the route.
 * Pino and winston put trace_id/span_id/trace_flags into records but do not also send them as OpenTelemetry log
 * records (Clew stores traces, not logs).
 */
const CLEW_DEFAULTS: InstrumentationConfigMap = {
  '@opentelemetry/instrumentation-fs': { enabled: false },
  '@opentelemetry/instrumentation-dns': { enabled: false },
  '@opentelemetry/instrumentation-net': { enabled: false },
  '@opentelemetry/instrumentation-router': { enabled: false },
  '@opentelemetry/instrumentation-pino': { disableLogSending: true },
  '@opentelemetry/instrumentation-winston': { disableLogSending: true },
};

/** The short names `OTEL_NODE_ENABLED_INSTRUMENTATIONS` uses, e.g. `dns` for `@opentelemetry/instrumentation-dns`. */
function enabledFromEnv(env: NodeJS.ProcessEnv): Set<string> {
  return new Set((env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** The configuration map handed to `getNodeAutoInstrumentations`: Clew's defaults, then the environment, then the user's. */
export function instrumentationConfig(user: InstrumentationConfigMap = {}, env: NodeJS.ProcessEnv = process.env): InstrumentationConfigMap {
  const enabled = enabledFromEnv(env);
  const merged: Record<string, Record<string, unknown>> = {};
  for (const [name, config] of Object.entries(CLEW_DEFAULTS)) {
    const short = name.replace('@opentelemetry/instrumentation-', '');
    // Someone who lists an instrumentation in OTEL_NODE_ENABLED_INSTRUMENTATIONS wants it on.
    const { enabled: _off, ...rest } = config as Record<string, unknown>;
    merged[name] = enabled.has(short) ? rest : { ...config };
  }
  for (const [name, config] of Object.entries(user)) merged[name] = { ...merged[name], ...(config as Record<string, unknown>) };
  return merged as InstrumentationConfigMap;
}

/**
 * The auto-instrumentations Clew enables: http, undici/fetch, express, databases, queues, grpc, pino, winston…
 * (`getNodeAutoInstrumentations` reads OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS from `process.env` itself.)
 */
export function clewInstrumentations(user?: InstrumentationConfigMap): Instrumentation[] {
  return getNodeAutoInstrumentations(instrumentationConfig(user, process.env));
}
