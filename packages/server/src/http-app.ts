import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';

export interface HttpAppOptions {
  readonly host: string;
  readonly port: number;
  readonly log: Logger;
  readonly bodyLimit?: number;
}

/** A listening fastify app with its plugins registered, and the URL it answers on. */
export async function startHttpApp(
  opts: HttpAppOptions,
  setup: (app: FastifyInstance) => unknown,
): Promise<{ url: string; app: FastifyInstance; close(): Promise<void> }> {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.log as FastifyBaseLogger,
    // One log line per request would dwarf everything else at ingest rates.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // Clients keep connections open between exports; let them, but do not hang forever on a silent one.
    keepAliveTimeout: 65_000,
    requestTimeout: 120_000,
  }) as unknown as FastifyInstance;
  await setup(app);
  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { url: `http://${host}:${port}`, app, close: () => app.close() };
}
