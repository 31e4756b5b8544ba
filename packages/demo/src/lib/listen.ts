import type { Express } from 'express';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { RunningService } from './run-service.js';

/** Serves an Express app on a free loopback port. */
export function listenExpress(app: Express): Promise<RunningService> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err?: Error) => {
      if (err) return reject(err);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** Serves a Fastify app on a free loopback port. */
export async function listenFastify(app: FastifyInstance): Promise<RunningService> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
