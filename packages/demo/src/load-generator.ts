import { PRODUCT_COUNT } from './services/catalog-seed.js';

/** Traffic settings. */
export interface LoadOptions {
  /** Requests per second, on average. */
  readonly rate: number;
  /** How many distinct shoppers, default 16. */
  readonly users?: number;
}

/** A running load generator and what it has seen so far, by answer: 2xx, 4xx, 5xx, and no answer at all. */
export interface LoadGenerator {
  readonly counts: { ok: number; clientError: number; serverError: number; unreachable: number };
  /** Stops sending and waits for the requests under way. */
  stop(): Promise<void>;
}

// Searches people type, a typo among them (the search is typo-tolerant, which is what makes it slow).
const SEARCHES = ['waterproof', 'battery', 'kettle', 'gift', 'backpak', 'headphones', 'broke', 'premium'];
const MAX_IN_FLIGHT = 32;

type Action = 'home' | 'product' | 'search' | 'add' | 'cart' | 'checkout';
const MIX: Array<[Action, number]> = [['home', 25], ['product', 20], ['search', 8], ['add', 22], ['cart', 10], ['checkout', 15]];
const MIX_TOTAL = MIX.reduce((s, [, w]) => s + w, 0);

/**
 * Drives mixed shop traffic at `rate` requests per second from Poisson arrivals: browsing, searching, carts and
 * checkouts. Every eighth shopper buys in bulk, so their carts (and the cart service's N+1 calls) grow long.
 */
export function startLoad(frontend: string, options: LoadOptions): LoadGenerator {
  const users = Array.from({ length: options.users ?? 16 }, (_, i) => `shopper-${String(i + 1).padStart(2, '0')}`);
  const cartSizes = new Map<string, number>();
  const counts = { ok: 0, clientError: 0, serverError: 0, unreachable: 0 };
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const send = async (method: string, path: string, body?: unknown): Promise<number> => {
    try {
      const res = await fetch(frontend + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await res.arrayBuffer();
      if (res.status < 400) counts.ok++;
      else if (res.status < 500) counts.clientError++;
      else counts.serverError++;
      return res.status;
    } catch {
      counts.unreachable++;
      return 0;
    }
  };

  const act = async (): Promise<void> => {
    const i = Math.floor(Math.random() * users.length);
    const user = users[i]!;
    const items = cartSizes.get(user) ?? 0;
    let action = pick();
    if (action === 'checkout' && items === 0) action = 'add';
    if (items >= 8) action = 'checkout';
    const product = 1 + Math.floor(Math.random() * PRODUCT_COUNT);
    switch (action) {
      case 'home':
        return void (await send('GET', `/?user=${user}`));
      case 'product':
        return void (await send('GET', `/product/${product}`));
      case 'search':
        return void (await send('GET', `/search?q=${SEARCHES[Math.floor(Math.random() * SEARCHES.length)]}`));
      case 'cart':
        return void (await send('GET', `/cart/${user}`));
      case 'add': {
        // Bulk buyers add three different products at a time.
        for (let k = 0; k < (i % 8 === 0 ? 3 : 1); k++) {
          const productId = ((product + k * 17) % PRODUCT_COUNT) + 1;
          const status = await send('POST', `/cart/${user}/items`, { productId, quantity: 1 + (k % 2) });
          if (status === 201) cartSizes.set(user, (cartSizes.get(user) ?? 0) + 1);
        }
        return;
      }
      case 'checkout': {
        const status = await send('POST', `/checkout/${user}`);
        // Sold out: the shopper gives up on this cart. A payment failure leaves it for another try.
        if (status === 409) await send('DELETE', `/cart/${user}`);
        if (status === 201 || status === 409 || status === 400) cartSizes.set(user, 0);
      }
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      if (inFlight.size < MAX_IN_FLIGHT) {
        const p = act().finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      schedule();
    }, -Math.log(1 - Math.random()) * (1000 / options.rate));
  };
  if (options.rate > 0) schedule();

  return {
    counts,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(inFlight);
    },
  };
}

function pick(): Action {
  let r = Math.random() * MIX_TOTAL;
  for (const [action, weight] of MIX) if ((r -= weight) < 0) return action;
  return 'home';
}
