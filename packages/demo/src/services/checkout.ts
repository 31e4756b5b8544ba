// checkout: turns a cart into an order — reserve stock, charge the card (retrying the flaky payment service), then
// publish order.placed for the shipping worker and empty the cart.
import express from 'express';
import { randomUUID } from 'node:crypto';
import { numberEnv, requiredEnv } from '../lib/env.js';
import { downstreamErrors } from '../lib/express-errors.js';
import { callJson } from '../lib/http-json.js';
import { listenExpress } from '../lib/listen.js';
import { publish } from '../lib/messaging.js';
import { runService } from '../lib/run-service.js';
import type { CartLine } from './cart.js';
import { chargeWithRetries } from './checkout-payment.js';

await runService(async () => {
  const cart = requiredEnv('CART_URL');
  const inventory = requiredEnv('INVENTORY_URL');
  const payment = requiredEnv('PAYMENT_URL');
  const queue = requiredEnv('QUEUE_URL');
  const attempts = numberEnv('PAYMENT_ATTEMPTS', 3);

  const app = express();
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));

  app.post('/checkout/:user', async (req, res) => {
    const user = encodeURIComponent(req.params.user);
    const { lines, totalCents } = await callJson<{ lines: CartLine[]; totalCents: number }>('GET', `${cart}/carts/${user}`);
    if (lines.length === 0) {
      res.status(400).json({ error: 'the cart is empty' });
      return;
    }
    const orderId = `ord_${randomUUID().slice(0, 13)}`;
    const items = lines.map((l) => ({ productId: l.productId, quantity: l.quantity }));
    await callJson('POST', `${inventory}/reservations`, { orderId, items });
    let chargeId: string;
    try {
      chargeId = await chargeWithRetries(payment, orderId, totalCents, attempts);
    } catch (err) {
      await callJson('DELETE', `${inventory}/reservations/${orderId}`);
      throw err;
    }
    await publish(queue, 'order.placed', { orderId, user: req.params.user, totalCents }, { 'order.id': orderId });
    await callJson('DELETE', `${cart}/carts/${user}`);
    res.status(201).json({ orderId, chargeId, totalCents });
  });

  app.use(downstreamErrors);
  return listenExpress(app);
});
