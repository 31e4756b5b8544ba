// shipping: a worker that takes order.placed messages off the queue, books a shipment and commits the stock
// reservation. Its spans join the checkout's trace after the customer already has an answer: the async step.
import { withSpan } from '@clew/node';
import { requiredEnv } from '../lib/env.js';
import { callJson } from '../lib/http-json.js';
import { consume } from '../lib/messaging.js';
import { runService } from '../lib/run-service.js';
import { think } from '../lib/think.js';

const CARRIERS = ['parcelfast', 'greenpost', 'hermes'];

await runService(async () => {
  const queue = requiredEnv('QUEUE_URL');
  const inventory = requiredEnv('INVENTORY_URL');
  const stop = new AbortController();
  const done = consume(queue, 'order.placed', 'shipping', stop.signal, async (body, span) => {
    const { orderId } = body as { orderId: string };
    span.setAttribute('order.id', orderId);
    await withSpan(
      'book-shipment',
      async (s) => {
        await think(60);
        s.setAttribute('shipping.carrier', CARRIERS[Math.floor(Math.random() * CARRIERS.length)]!);
      },
      { attributes: { 'order.id': orderId } },
    );
    await callJson('POST', `${inventory}/reservations/${encodeURIComponent(orderId)}/commit`);
  });
  return { close: () => (stop.abort(), done) };
});
