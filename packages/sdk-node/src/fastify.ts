import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyOtelInstrumentationOpts } from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { enabledByEnv } from './instrumentation-env.js';

/** The key of `@fastify/otel` in the `instrumentations` option, and its short name in the `OTEL_NODE_*` lists. */
export const FASTIFY_INSTRUMENTATION = '@fastify/otel';
export const FASTIFY_SHORT_NAME = 'fastify';

/**
 * `@fastify/otel`, Fastify's own instrumentation (auto-instrumentations-node 0.81 has none for Fastify 5). It patches
 * no module: with `registerOnInitialization` it hears each new Fastify instance on the `fastify.initialization`
 * diagnostics channel and registers itself as that instance's first plugin, so ES-module and CommonJS applications
 * are covered alike. It tells the http server span its route (`GET /products/:id`, `http.route`) and adds a
 * `request` span with a child per hook and handler.
 */
export function fastifyInstrumentation(config: FastifyOtelInstrumentationOpts = {}, env: NodeJS.ProcessEnv = process.env): Instrumentation[] {
  const on = config.enabled ?? enabledByEnv(FASTIFY_SHORT_NAME, env);
  if (!on) return [];
  return [new FastifyOtelInstrumentation({ registerOnInitialization: true, ...config, enabled: true })];
}
