import fastifyCompress from '@fastify/compress';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import Fastify, { LogController } from 'fastify';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { HttpAuthOptions } from './auth/http-auth.js';
import { httpAuth } from './auth/http-auth.js';
import { decorateTenant } from './auth/request-tenant.js';
import type { TlsFiles } from './tls/tls-files.js';

export interface HttpAppOptions {
  readonly host: string;
  readonly port: number;
  readonly log: Logger;
  readonly bodyLimit?: number;
  /**
   * Compress replies (brotli or gzip, as the client's Accept-Encoding allows) for the ports that answer queries.
   * Only replies: request bodies stay as sent, so a receiver's own gzip handling and its limits apply unchanged.
   */
  readonly compress?: boolean;
  /** Serve HTTPS with this certificate, following its reloads; plain HTTP when absent. */
  readonly tls?: TlsFiles;
  /** Who may do what on this listener (tokens and tenants); every request is the default tenant's when absent. */
  readonly auth?: HttpAuthOptions;
}

/**
 * JSON and text replies of 1 KiB or more, and static files. Brotli at quality 4 (the plugin's default; 11 took 8 s)
 * wrote a 1.5 MB OTLP JSON trace in 58.8 kB and 11 ms against gzip's 75.3 kB and 7 ms: br first, gzip for the rest.
 */
const COMPRESSION = { encodings: ['br', 'gzip'], threshold: 1024, globalDecompression: false } as const;

/**
 * How a closing app ends its connections. Every reply still being answered says `Connection: close`, so that its
 * keep-alive connection ends with it: Node's close() only ends the connections idle at that moment, and one that
 * finished a request afterwards stayed open for the keep-alive timeout (a stop took 65 s when an export was under
 * way). And once no request is under way, every connection left is ended: close() does not count a connection that
 * was opened but has not sent a request (as a client's pool opens one ahead of need) as idle, and such a connection
 * held a stop for the 60 s headers timeout.
 */
function closeConnectionsWhenDone(app: FastifyInstance): () => void {
  let closing = false;
  let underWay = 0;
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => {
    if (closing && underWay === 0) app.server.closeAllConnections();
  };
  const startClosing = () => {
    if (closing) return;
    closing = true;
    // Until the server stops listening (after the preClose hooks), a new connection may still arrive.
    sweeper = setInterval(sweep, 50).unref();
  };
  app.server.on('request', (_req, res: { once(event: 'close', fn: () => void): unknown }) => {
    underWay++;
    res.once('close', () => {
      underWay--;
      sweep();
    });
  });
  app.addHook('preClose', async () => startClosing());
  app.addHook('onClose', async () => clearInterval(sweeper));
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  return startClosing;
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
    ...(opts.tls && { https: { ...opts.tls.current } }),
  }) as unknown as FastifyInstance;
  decorateTenant(app);
  const markClosing = closeConnectionsWhenDone(app);
  if (opts.auth) httpAuth(app, opts.auth);
  // Before the routes: the plugin hooks every route registered after it.
  if (opts.compress) await app.register(fastifyCompress, { ...COMPRESSION, encodings: [...COMPRESSION.encodings] });
  await setup(app);
  // New connections get a reloaded certificate; open ones keep the one they shook hands with.
  const unwatch = opts.tls?.onChange((pair) => (app.server as unknown as TlsServer).setSecureContext(pair));
  app.addHook('onClose', async () => unwatch?.());
  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const close = (): Promise<void> => {
    markClosing(); // before close() starts, so that a reply sent while it does says so too
    return app.close();
  };
  return { url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`, app, close };
}
