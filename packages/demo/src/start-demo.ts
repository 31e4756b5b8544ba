import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadGenerator } from './load-generator.js';
import { startLoad } from './load-generator.js';
import type { ServiceContext, ServiceProcess } from './service-process.js';
import { startServiceProcess } from './service-process.js';

/** How to run the demo shop. */
export interface DemoOptions {
  /** Where the services export spans: an OTLP/HTTP base URL without /v1/traces, e.g. http://127.0.0.1:4318 */
  readonly otlpEndpoint: string;
  /** Load generator requests per second, default 3; 0 starts no load (drive the frontend yourself). */
  readonly rate?: number;
  /** Fraction of payment requests answered 503, default 0.2. */
  readonly paymentFailureRate?: number;
  /** Attempts checkout makes at a payment before giving up, default 3. */
  readonly paymentAttempts?: number;
  /** Reviews seeded into the catalog, default 300,000: what the slow search reads through. */
  readonly reviews?: number;
  /** How long services batch spans before export, default 1000 ms. */
  readonly exportDelayMs?: number;
  /** Where the database and logs go; default a new temporary directory, removed by stop(). */
  readonly workDir?: string;
}

/** Where each service of the running shop listens. */
export interface ShopUrls {
  readonly frontend: string;
  readonly catalog: string;
  readonly cart: string;
  readonly checkout: string;
  readonly payment: string;
  readonly inventory: string;
  readonly queue: string;
}

/** A running shop. */
export interface Demo {
  readonly urls: ShopUrls;
  /** The traced services, as their `service.name`s. */
  readonly services: readonly string[];
  readonly workDir: string;
  /** Present when `rate` > 0. */
  readonly load: LoadGenerator | undefined;
  /** Stops the load, then every service (each flushes its spans), and removes a temporary work directory. */
  stop(): Promise<void>;
}

/**
 * Starts the shop — frontend, catalog (DuckDB), cart, checkout, payment, inventory, a queue and the shipping worker,
 * each its own process on a free port — and the load generator.
 * @example const demo = await startDemo({ otlpEndpoint: 'http://127.0.0.1:4318' }); …; await demo.stop();
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'clew-demo-')));
  const logDir = join(workDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const ctx: ServiceContext = { otlpEndpoint: options.otlpEndpoint, logDir, exportDelayMs: options.exportDelayMs ?? 1000 };
  const running: ServiceProcess[] = [];
  const start = async (name: string, env: Record<string, string>, traced = true) => {
    const p = await startServiceProcess({ name, env, traced }, ctx);
    running.push(p);
    return p.url ?? ''; // '' for the worker, which listens nowhere
  };
  const stopServices = () => Promise.all(running.map((p) => p.stop()));
  try {
    // In dependency order; each level starts side by side.
    const [queue, catalog, inventory, payment] = await Promise.all([
      start('queue', {}, false),
      start('catalog', { DEMO_DB_FILE: join(workDir, 'catalog.duckdb'), DEMO_REVIEWS: String(options.reviews ?? 300_000) }),
      start('inventory', {}),
      start('payment', { PAYMENT_FAILURE_RATE: String(options.paymentFailureRate ?? 0.2) }),
    ]);
    const [cart] = await Promise.all([
      start('cart', { CATALOG_URL: catalog }),
      start('shipping', { QUEUE_URL: queue, INVENTORY_URL: inventory }),
    ]);
    const checkout = await start('checkout', {
      CART_URL: cart,
      INVENTORY_URL: inventory,
      PAYMENT_URL: payment,
      QUEUE_URL: queue,
      PAYMENT_ATTEMPTS: String(options.paymentAttempts ?? 3),
    });
    const frontend = await start('frontend', { CATALOG_URL: catalog, CART_URL: cart, INVENTORY_URL: inventory, CHECKOUT_URL: checkout });
    const rate = options.rate ?? 3;
    const load = rate > 0 ? startLoad(frontend, { rate }) : undefined;
    return {
      urls: { frontend, catalog, cart, checkout, payment, inventory, queue },
      services: ['frontend', 'catalog', 'cart', 'checkout', 'payment', 'inventory', 'shipping'],
      workDir,
      load,
      async stop() {
        await load?.stop();
        await stopServices();
        if (!options.workDir) await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopServices();
    throw err;
  }
}
