// catalog: the product database (DuckDB, a file in the demo's directory). Search looks for the term in product names
// first (quick); a term no name has falls back to the slow path: a typo-tolerant match against every review, through
// an unindexed join, which takes a DuckDB thread a good while.
import { DuckDBInstance } from '@duckdb/node-api';
import { fastify } from 'fastify';
import { numberEnv, requiredEnv } from '../lib/env.js';
import { listenFastify } from '../lib/listen.js';
import { runService } from '../lib/run-service.js';
import { think } from '../lib/think.js';
import { runQuery } from './catalog-db.js';
import { seedCatalog } from './catalog-seed.js';

interface Product {
  id: number;
  name: string;
  price_cents: number;
}

/** A search result: a product with its review count and average rating. */
type Hit = Product & { reviews: number; rating: number };

await runService(async () => {
  const file = requiredEnv('DEMO_DB_FILE');
  // One thread: the shop shares the machine with Clew; it also keeps the slow query slow for the same reason real ones are.
  const db = await DuckDBInstance.create(file, { threads: '1', memory_limit: '256MB' });
  const seeding = await db.connect();
  await seedCatalog(seeding, numberEnv('DEMO_REVIEWS', 300_000));
  seeding.closeSync();
  const query = <T>(q: Parameters<typeof runQuery>[2]) => runQuery<T>(db, file, q);

  const app = fastify();
  // Named handlers: @fastify/otel names each handler span after its function (`handler - productById`).
  app.get('/health', async function health() {
    return { status: 'ok' };
  });

  app.get('/categories', async function categories() {
    return query({ operation: 'SELECT', collection: 'categories', sql: 'SELECT id, name FROM categories ORDER BY name' });
  });

  app.get('/products/featured', async function featuredProducts() {
    return query<Product>({
      operation: 'SELECT',
      collection: 'products',
      sql: 'SELECT id, name, price_cents FROM products WHERE featured ORDER BY id LIMIT 8',
    });
  });

  app.get<{ Params: { id: string } }>('/products/:id', async function productById(req, reply) {
    await think(3);
    const rows = await query<Product>({
      operation: 'SELECT',
      collection: 'products',
      sql: 'SELECT id, name, price_cents, description FROM products WHERE id = $1',
      params: [Number(req.params.id) || 0],
    });
    if (rows.length === 0) return reply.code(404).send({ error: `no product ${req.params.id}` });
    return rows[0];
  });

  // The batch lookup the cart service could use instead of one call per item (see the README's N+1 section).
  app.get<{ Querystring: { ids?: string } }>('/products', async function productsByIds(req) {
    const ids = (req.query.ids ?? '').split(',').map(Number).filter(Number.isInteger);
    return query<Product>({
      operation: 'SELECT',
      collection: 'products',
      sql: 'SELECT id, name, price_cents FROM products WHERE list_contains($1::INTEGER[], id)',
      params: [`[${ids.join(',')}]`],
    });
  });

  app.get<{ Querystring: { q?: string } }>('/search', async function search(req, reply) {
    const term = (req.query.q ?? '').trim().toLowerCase();
    if (!term) return reply.code(400).send({ error: 'q is required' });
    const named = await query<Hit>({
      operation: 'SELECT',
      collection: 'products',
      sql: `SELECT p.id, p.name, p.price_cents, count(r.product_id)::INTEGER AS reviews, coalesce(round(avg(r.rating), 2), 0)::DOUBLE AS rating
            FROM products p LEFT JOIN reviews r ON r.product_id = p.id
            WHERE p.name ILIKE $1
            GROUP BY ALL ORDER BY rating DESC, reviews DESC LIMIT 20`,
      params: [`%${term}%`],
    });
    // No product by that name: the term is looked for in the reviews, typos and all (the slow query).
    const hits = named.length > 0 ? named : await searchReviews(term);
    const facets = await query<{ category: string; products: number }>({
      operation: 'SELECT',
      collection: 'categories',
      sql: `SELECT c.name AS category, count(*)::INTEGER AS products
            FROM products p JOIN categories c ON c.id = p.category_id
            WHERE list_contains($1::INTEGER[], p.id) GROUP BY c.name ORDER BY products DESC`,
      params: [`[${hits.map((h) => h.id).join(',')}]`],
    });
    return { q: term, hits, facets };
  });

  /** Products whose reviews mention the term, or come close to it (the slow query). */
  function searchReviews(term: string): Promise<Hit[]> {
    return query<Hit>({
      operation: 'SELECT',
      collection: 'reviews',
      sql: `SELECT p.id, p.name, p.price_cents, count(*)::INTEGER AS reviews, round(avg(r.rating), 2)::DOUBLE AS rating
            FROM products p JOIN reviews r ON r.product_id = p.id
            WHERE p.name ILIKE $1 OR r.body ILIKE $1 OR jaro_winkler_similarity(lower(r.body), $2) > 0.8
            GROUP BY ALL ORDER BY rating DESC, reviews DESC LIMIT 20`,
      params: [`%${term}%`, term],
    });
  }

  const running = await listenFastify(app);
  return { url: running.url, close: async () => (await running.close(), db.closeSync()) };
});
