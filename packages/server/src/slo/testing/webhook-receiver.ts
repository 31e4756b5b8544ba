import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertmanagerWebhookBody } from '@clew/analysis';

export interface ReceivedNotification {
  readonly body: AlertmanagerWebhookBody;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The status the receiver answered. */
  readonly answered: number;
}

/**
 * A real webhook receiver on a loopback port: records every POST and answers with the next status of `plan`
 * (200 once the plan runs out). `next(n)` resolves when n notifications have arrived.
 */
export async function startWebhookReceiver(plan: number[] = []) {
  const received: ReceivedNotification[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = plan.shift() ?? 200;
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertmanagerWebhookBody, headers: req.headers, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'failing on purpose');
      for (const w of waiters.filter((x) => received.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    /** Resolves once `n` notifications in all have arrived. */
    arrived(n: number): Promise<void> {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
