import { createServer } from 'node:net';

/**
 * A port the kernel says is free now, for a process that must be told its port before it starts (a peers list, a
 * server's config file). It may be taken again before that process binds it: rare, and it fails loudly.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
