// cart: carts in memory. Reading a cart prices it with one catalog call per item — the N+1 pattern the demo shows —
// where GET /products?ids=… on the catalog would have answered in one.
import { withSpan } from '@clew/node';
import { fastify } from 'fastify';
import { requiredEnv } from '../lib/env.js';
import { callJson, HttpError } from '../lib/http-json.js';
import { listenFastify } from '../lib/listen.js';
import { runService } from '../lib/run-service.js';

interface Product {
  id: number;
  name: string;
  price_cents: number;
}

/** A cart line as the cart service answers it. */
export interface CartLine {
  productId: number;
  name: string;
  quantity: number;
  priceCents: number;
}

await runService(async () => {
  const catalog = requiredEnv('CATALOG_URL');
  const carts = new Map<string, Map<number, number>>();

  const app = fastify();
  // Named handlers: @fastify/otel names each handler span after its function (`handler - productById`).
  app.get('/health', async function health() {
    return { status: 'ok' };
  });

  app.get<{ Params: { user: string } }>('/carts/:user', async function cartWithPrices(req) {
    const items = [...(carts.get(req.params.user) ?? new Map<number, number>())];
    const lines = await withSpan(
      'price-cart',
      async () => {
        const out: CartLine[] = [];
        for (const [productId, quantity] of items) {
          const p = await callJson<Product>('GET', `${catalog}/products/${productId}`);
          out.push({ productId, name: p.name, quantity, priceCents: p.price_cents });
        }
        return out;
      },
      { attributes: { 'cart.items': items.length } },
    );
    return { user: req.params.user, lines, totalCents: lines.reduce((s, l) => s + l.priceCents * l.quantity, 0) };
  });

  app.get<{ Params: { user: string } }>('/carts/:user/count', async function itemCount(req) {
    let count = 0;
    for (const q of carts.get(req.params.user)?.values() ?? []) count += q;
    return { user: req.params.user, count };
  });

  app.post<{ Params: { user: string }; Body: { productId?: number; quantity?: number } }>('/carts/:user/items', async function addItem(req, reply) {
    const productId = Number(req.body?.productId);
    const quantity = Number(req.body?.quantity ?? 1);
    if (!Number.isInteger(productId) || !Number.isInteger(quantity) || quantity < 1) {
      return reply.code(400).send({ error: 'productId and a positive whole quantity are required' });
    }
    try {
      await callJson('GET', `${catalog}/products/${productId}`);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return reply.code(400).send({ error: `no product ${productId}` });
      throw err;
    }
    const cart = carts.get(req.params.user) ?? new Map<number, number>();
    cart.set(productId, (cart.get(productId) ?? 0) + quantity);
    carts.set(req.params.user, cart);
    return reply.code(201).send({ user: req.params.user, items: cart.size });
  });

  app.delete<{ Params: { user: string } }>('/carts/:user', async function emptyCart(req, reply) {
    carts.delete(req.params.user);
    return reply.code(204).send();
  });

  return listenFastify(app);
});
