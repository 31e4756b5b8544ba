// inventory: stock levels and reservations, in memory. Checkout reserves, the shipping worker commits a reservation
// when it ships the order, and checkout releases it when payment finally fails.
import { withSpan } from '@clew/node';
import express from 'express';
import { listenExpress } from '../lib/listen.js';
import { runService } from '../lib/run-service.js';
import { think } from '../lib/think.js';
import { PRODUCT_COUNT } from './catalog-seed.js';

interface Line {
  productId: number;
  quantity: number;
}

await runService(async () => {
  const stock = new Map<number, number>();
  for (let id = 1; id <= PRODUCT_COUNT; id++) stock.set(id, 25 + ((id * 7) % 30));
  const reservations = new Map<string, Line[]>();
  // The warehouse restocks now and then, so a long-running demo does not sell out.
  const restock = setInterval(() => {
    for (const [id, n] of stock) if (n < 5) stock.set(id, n + 30);
  }, 15_000).unref();

  const app = express();
  app.use(express.json());
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));

  app.get('/stock', async (req, res) => {
    await think(4);
    const ids = String(req.query.ids ?? '').split(',').map(Number).filter(Number.isInteger);
    res.json(Object.fromEntries(ids.map((id) => [id, stock.get(id) ?? 0])));
  });

  app.get('/stock/low', async (_req, res) => {
    await think(6);
    const low = [...stock].sort((a, b) => a[1] - b[1]).slice(0, 5);
    res.json(low.map(([productId, available]) => ({ productId, available })));
  });

  app.post('/reservations', async (req, res) => {
    const { orderId, items } = req.body as { orderId?: string; items?: Line[] };
    if (!orderId || !Array.isArray(items) || items.length === 0) {
      res.status(400).json({ error: 'orderId and items are required' });
      return;
    }
    const short = await withSpan(
      'reserve-stock',
      async (span) => {
        await think(8);
        const missing = items.filter((l) => (stock.get(l.productId) ?? 0) < l.quantity).map((l) => l.productId);
        span.setAttribute('inventory.short_products', missing.length);
        if (missing.length === 0) {
          for (const l of items) stock.set(l.productId, stock.get(l.productId)! - l.quantity);
          reservations.set(orderId, items);
        }
        return missing;
      },
      { attributes: { 'order.id': orderId, 'order.lines': items.length } },
    );
    if (short.length > 0) res.status(409).json({ error: 'out of stock', productIds: short });
    else res.status(201).json({ orderId, reserved: items.length });
  });

  app.post('/reservations/:orderId/commit', async (req, res) => {
    await think(5);
    if (!reservations.delete(req.params.orderId)) {
      res.status(404).json({ error: `no reservation for order ${req.params.orderId}` });
      return;
    }
    res.json({ orderId: req.params.orderId, committed: true });
  });

  app.delete('/reservations/:orderId', async (req, res) => {
    const lines = reservations.get(req.params.orderId);
    if (lines) {
      for (const l of lines) stock.set(l.productId, (stock.get(l.productId) ?? 0) + l.quantity);
      reservations.delete(req.params.orderId);
    }
    res.status(204).end();
  });

  const running = await listenExpress(app);
  return { url: running.url, close: async () => (clearInterval(restock), running.close()) };
});
