// frontend: the shop's web tier. Every customer request starts here; it answers JSON and a W3C `traceresponse`
// header naming the trace, so a customer (or a test) can go straight to it in Clew.
import { trace } from '@opentelemetry/api';
import express from 'express';
import { requiredEnv } from '../lib/env.js';
import { downstreamErrors } from '../lib/express-errors.js';
import { callJson } from '../lib/http-json.js';
import { listenExpress } from '../lib/listen.js';
import { runService } from '../lib/run-service.js';
import { think } from '../lib/think.js';

await runService(async () => {
  const catalog = requiredEnv('CATALOG_URL');
  const cart = requiredEnv('CART_URL');
  const inventory = requiredEnv('INVENTORY_URL');
  const checkout = requiredEnv('CHECKOUT_URL');

  const app = express();
  app.use(express.json());
  app.use(function traceResponse(_req, res, next) {
    const ctx = trace.getActiveSpan()?.spanContext();
    if (ctx) res.set('traceresponse', `00-${ctx.traceId}-${ctx.spanId}-0${ctx.traceFlags & 1}`);
    next();
  });
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));

  // The home page: four independent reads, fanned out in parallel.
  app.get('/', async (req, res) => {
    const user = encodeURIComponent(String(req.query.user ?? 'guest'));
    const [featured, categories, cartCount, lowStock] = await Promise.all([
      callJson('GET', `${catalog}/products/featured`),
      callJson('GET', `${catalog}/categories`),
      callJson('GET', `${cart}/carts/${user}/count`),
      callJson('GET', `${inventory}/stock/low`),
    ]);
    await think(5); // rendering
    res.json({ featured, categories, cart: cartCount, lastUnits: lowStock });
  });

  app.get('/product/:id', async (req, res) => {
    const id = encodeURIComponent(req.params.id);
    const product = await callJson('GET', `${catalog}/products/${id}`);
    const stock = await callJson<Record<string, number>>('GET', `${inventory}/stock?ids=${id}`);
    res.json({ product, available: stock[req.params.id] ?? 0 });
  });

  app.get('/search', async (req, res) => {
    res.json(await callJson('GET', `${catalog}/search?q=${encodeURIComponent(String(req.query.q ?? ''))}`));
  });

  app.get('/cart/:user', async (req, res) => {
    res.json(await callJson('GET', `${cart}/carts/${encodeURIComponent(req.params.user)}`));
  });

  app.post('/cart/:user/items', async (req, res) => {
    res.status(201).json(await callJson('POST', `${cart}/carts/${encodeURIComponent(req.params.user)}/items`, req.body));
  });

  app.delete('/cart/:user', async (req, res) => {
    await callJson('DELETE', `${cart}/carts/${encodeURIComponent(req.params.user)}`);
    res.status(204).end();
  });

  app.post('/checkout/:user', async (req, res) => {
    res.status(201).json(await callJson('POST', `${checkout}/checkout/${encodeURIComponent(req.params.user)}`));
  });

  app.use(downstreamErrors);
  return listenExpress(app);
});
