import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Store } from '@clew/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from '../observability/metrics.js';
import type { WriteAheadLog } from '../wal/wal.js';
import { jaegerApi } from './jaeger/index.js';
import type { AttributeCatalog } from './native/index.js';
import { nativeApi } from './native/index.js';

export interface QueryAppOptions {
  readonly store: Store;
  readonly wal: WriteAheadLog;
  readonly metrics: Metrics;
  readonly catalog: AttributeCatalog;
  /** The built web UI; packages/web/dist by default (the same relative path from src/api and dist/api). */
  readonly webDir?: string;
}

const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** The query port (16686): the web UI, Clew's native API, Jaeger's APIs, Prometheus metrics, health. */
export async function queryApp(app: FastifyInstance, opts: QueryAppOptions): Promise<void> {
  await app.register(jaegerApi, { store: opts.store });
  await app.register(nativeApi, { store: opts.store, catalog: opts.catalog });

  app.get('/metrics', async (_req, reply) => {
    const [stats, walBytes] = await Promise.all([opts.store.stats(), opts.wal.diskBytes()]);
    opts.metrics.storeDiskBytes.set(stats.diskBytes);
    opts.metrics.storePartitions.set(stats.partitions);
    opts.metrics.walDiskBytes.set(walBytes);
    return reply.header('content-type', opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });

  app.get('/health', async () => ({ status: 'ok' }));

  await serveWebUi(app, opts.webDir ?? WEB_DIST);
}

/** Paths that are never pages: a miss there (an API route, a missing hashed asset) is a 404, not index.html. */
const NOT_UI = /^\/(api|assets|metrics|health)(\/|\?|$)/;

/**
 * The built UI at `/`, as a single-page app: files from `dir` as they are (hashed assets cached for good, the rest
 * revalidated), and any other GET outside the APIs answered with index.html so that the UI's router can take deep
 * links. When the UI was not built, those GETs get a 503 page saying how to build it, and the APIs work regardless.
 */
async function serveWebUi(app: FastifyInstance, dir: string): Promise<void> {
  const index = join(dir, 'index.html');
  // Registered even when `dir` does not exist yet (the plugin only warns), so a UI built later is served as is.
  await app.register(fastifyStatic, {
    root: dir,
    cacheControl: false, // else `send` overwrites the header setHeaders gives
    setHeaders: (res, path) =>
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !NOT_UI.test(request.url);
    if (!isPage) {
      return reply.code(404).send({ message: `Route ${request.method}:${request.url} not found`, error: 'Not Found', statusCode: 404 });
    }
    // Checked per request (a rare path) so a UI built while Clew runs is served without a restart.
    if (!existsSync(index)) return reply.code(503).type('text/html; charset=utf-8').send(UI_NOT_BUILT);
    return reply.sendFile('index.html', dir);
  });
}

const UI_NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clew: web UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The web UI has not been built</h1>
<p>Clew is running and its APIs answer (<a href="/api/clew/v1/services">/api/clew/v1/services</a>,
Jaeger's <a href="/api/services">/api/services</a>, <a href="/metrics">/metrics</a>), but there is no UI to serve.</p>
<p>Build it from the repository root with <code>npm run build</code> (or only the UI: <code>npm run build -w @clew/web</code>),
then reload this page; no restart is needed.</p>
</body></html>
`;
