import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { expressConfig, rootRouteHook } from './express-root-route.js';
import { FASTIFY_INSTRUMENTATION, FASTIFY_SHORT_NAME, fastifyInstrumentation } from './fastify.js';
import { namesFromEnv } from './instrumentation-env.js';
import type { InstrumentationOptions } from './options.js';

/**
 * Clew's defaults over OpenTelemetry's: fs, dns and net make a span per file read, lookup and socket, which buries
 * the spans people look for. Express 5 routes through the `router` package, so the router instrumentation doubled
 * every Express span (`middleware - patched`, a second `request handler`); the express one alone names the route.
 * The express one is also told the route of the home page requested with a query string (see rootRouteHook).
 * Pino and winston put trace_id/span_id/trace_flags into records but do not also send them as OpenTelemetry log
 * records (Clew stores traces, not logs).
 */
const CLEW_DEFAULTS: InstrumentationConfigMap = {
  '@opentelemetry/instrumentation-fs': { enabled: false },
  '@opentelemetry/instrumentation-dns': { enabled: false },
  '@opentelemetry/instrumentation-net': { enabled: false },
  '@opentelemetry/instrumentation-router': { enabled: false },
  '@opentelemetry/instrumentation-express': { requestHook: rootRouteHook },
  '@opentelemetry/instrumentation-pino': { disableLogSending: true },
  '@opentelemetry/instrumentation-winston': { disableLogSending: true },
};

/** The configuration map handed to `getNodeAutoInstrumentations`: Clew's defaults, then the environment, then the user's. */
export function instrumentationConfig(user: InstrumentationConfigMap = {}, env: NodeJS.ProcessEnv = process.env): InstrumentationConfigMap {
  // Short names, e.g. `dns` for `@opentelemetry/instrumentation-dns`.
  const enabled = new Set(namesFromEnv(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS));
  const merged: Record<string, Record<string, unknown>> = {};
  for (const [name, config] of Object.entries(CLEW_DEFAULTS)) {
    const short = name.replace('@opentelemetry/instrumentation-', '');
    // Someone who lists an instrumentation in OTEL_NODE_ENABLED_INSTRUMENTATIONS wants it on.
    const { enabled: _off, ...rest } = config as Record<string, unknown>;
    merged[name] = enabled.has(short) ? rest : { ...config };
  }
  for (const [name, config] of Object.entries(user)) merged[name] = { ...merged[name], ...(config as Record<string, unknown>) };
  // A user's own express requestHook runs as well as Clew's, not instead of it.
  const express = user['@opentelemetry/instrumentation-express'];
  if (express) merged['@opentelemetry/instrumentation-express'] = expressConfig(express) as Record<string, unknown>;
  return merged as InstrumentationConfigMap;
}

/** Short names Clew's own instrumentations answer to in the `OTEL_NODE_*` lists, unknown to auto-instrumentations-node. */
const CLEW_SHORT_NAMES = [FASTIFY_SHORT_NAME];

/** Runs `fn` with `vars` set in `process.env` (undefined: unset), then puts the previous values back. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const assign = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  assign(vars);
  try {
    return fn();
  } finally {
    assign(saved);
  }
}

/**
 * `getNodeAutoInstrumentations` reads OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS from `process.env` itself and
 * reports every name it does not know as an error, so it sees the lists without Clew's own names — and is not asked
 * at all when the enabled list names only those.
 */
function autoInstrumentations(config: InstrumentationConfigMap): Instrumentation[] {
  const theirs = (value: string | undefined) => {
    const names = namesFromEnv(value).filter((n) => !CLEW_SHORT_NAMES.includes(n));
    return names.length > 0 ? names.join(',') : undefined;
  };
  const enabled = process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS;
  if (namesFromEnv(enabled).length > 0 && theirs(enabled) === undefined) return [];
  return withEnv(
    { OTEL_NODE_ENABLED_INSTRUMENTATIONS: theirs(enabled), OTEL_NODE_DISABLED_INSTRUMENTATIONS: theirs(process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS) },
    () => getNodeAutoInstrumentations(instrumentationConfig(config, process.env)),
  );
}

/**
 * The instrumentations Clew enables: OpenTelemetry's auto-instrumentations (http, undici/fetch, express, databases,
 * queues, grpc, pino, winston…) and `@fastify/otel` for Fastify, each configured (or turned off) by its key in
 * `user` and by the OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS lists (`fastify` for `@fastify/otel`).
 */
export function clewInstrumentations(user: InstrumentationOptions = {}): Instrumentation[] {
  const { [FASTIFY_INSTRUMENTATION]: fastify, ...auto } = user;
  return [...autoInstrumentations(auto), ...fastifyInstrumentation(fastify, process.env)];
}
