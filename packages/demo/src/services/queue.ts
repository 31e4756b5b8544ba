// queue: a tiny message broker over HTTP, in memory. Like most brokers it is not traced itself: the producer and the
// consumer make the messaging spans and carry the trace context in each message's headers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runService } from '../lib/run-service.js';

/** A message as the broker stores and delivers it. */
export interface QueuedMessage {
  id: string;
  headers: Record<string, string>;
  body: unknown;
  publishedAt: number;
}

const PUBLISH = /^\/topics\/([\w.-]+)\/messages$/;
const NEXT = /^\/topics\/([\w.-]+)\/messages\/next$/;

await runService(async () => {
  const topics = new Map<string, QueuedMessage[]>();
  const waiting = new Map<string, Array<(m: QueuedMessage) => void>>();

  const deliver = (topic: string, m: QueuedMessage) => {
    const consumer = waiting.get(topic)?.shift();
    if (consumer) consumer(m);
    else if (topics.has(topic)) topics.get(topic)!.push(m);
    else topics.set(topic, [m]);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => reply(res, 500, { error: err.message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://queue');
    let m: RegExpMatchArray | null;
    if (req.method === 'GET' && url.pathname === '/health') return reply(res, 200, { status: 'ok' });
    if (req.method === 'POST' && (m = url.pathname.match(PUBLISH))) {
      const { headers, body } = JSON.parse(await readBody(req)) as Pick<QueuedMessage, 'headers' | 'body'>;
      const message = { id: randomUUID(), headers: headers ?? {}, body, publishedAt: Date.now() };
      deliver(m[1]!, message);
      return reply(res, 202, { id: message.id });
    }
    if (req.method === 'GET' && (m = url.pathname.match(NEXT))) {
      const topic = m[1]!;
      const ready = topics.get(topic)?.shift();
      if (ready) return reply(res, 200, ready);
      // Long poll: hold the request until a message comes or the wait is over.
      const waitMs = Math.min(Number(url.searchParams.get('waitMs')) || 0, 30_000);
      const queue = waiting.get(topic) ?? [];
      waiting.set(topic, queue);
      const leave = () => {
        clearTimeout(timer);
        const i = queue.indexOf(take);
        if (i >= 0) queue.splice(i, 1);
      };
      const take = (message: QueuedMessage) => {
        leave();
        reply(res, 200, message);
      };
      const timer = setTimeout(() => {
        leave();
        reply(res, 204);
      }, waitMs);
      queue.push(take);
      res.on('close', leave); // the consumer gave up: no message may go to it now
      return;
    }
    reply(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
});

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) res.writeHead(status).end();
  else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}
