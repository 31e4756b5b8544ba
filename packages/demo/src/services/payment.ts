// payment: a card gateway that is down for a configurable fraction of requests (503), as a flaky downstream is.
import { withSpan } from '@clew/node';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { numberEnv } from '../lib/env.js';
import { listenExpress } from '../lib/listen.js';
import { runService } from '../lib/run-service.js';
import { think } from '../lib/think.js';

/** The card network did not answer in time: the gateway's 503. */
class GatewayUnavailable extends Error {
  constructor() {
    super('card network unavailable, try again');
    this.name = 'GatewayUnavailable';
  }
}

await runService(async () => {
  const failureRate = numberEnv('PAYMENT_FAILURE_RATE', 0.2);
  const app = express();
  app.use(express.json());
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));

  app.post('/charges', async (req, res) => {
    const { orderId, amountCents } = req.body as { orderId?: string; amountCents?: number };
    if (!orderId || !Number.isInteger(amountCents)) {
      res.status(400).json({ error: 'orderId and a whole amountCents are required' });
      return;
    }
    try {
      const chargeId = await withSpan(
        'authorize-card',
        async () => {
          const fails = Math.random() < failureRate;
          // A failing card network times out slowly; a healthy one answers in tens of milliseconds.
          await think(fails ? 120 : 40);
          if (fails) throw new GatewayUnavailable();
          return `ch_${randomUUID().slice(0, 12)}`;
        },
        { attributes: { 'order.id': orderId, 'payment.amount_cents': amountCents! } },
      );
      res.status(201).json({ orderId, chargeId });
    } catch (err) {
      if (!(err instanceof GatewayUnavailable)) throw err;
      res.status(503).set('retry-after', '1').json({ error: err.message });
    }
  });

  return listenExpress(app);
});
