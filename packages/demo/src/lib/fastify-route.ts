import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { FastifyInstance } from 'fastify';

/**
 * Tells the HTTP instrumentation each request's route (`/products/:id`), as the Express instrumentation does, so the
 * server span is named `GET /products/:id` and carries `http.route` rather than a bare `GET` per distinct URL.
 */
export function nameSpansByRoute(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    const rpc = getRPCMetadata(context.active());
    if (rpc?.type === RPCType.HTTP && !rpc.route && req.routeOptions.url) rpc.route = req.routeOptions.url;
  });
}
