import type { DuckDBConnection } from '@duckdb/node-api';

const ADJECTIVES = ['Cozy', 'Rugged', 'Classic', 'Vintage', 'Ultralight', 'Smart', 'Organic', 'Handmade', 'Compact', 'Deluxe'];
/** Each noun with its category: the shop sells 10 × 12 = 120 products. */
const NOUNS: Array<[string, number]> = [
  ['Backpack', 1], ['Tent', 1], ['Lantern', 1], ['Kettle', 2], ['Blender', 2], ['Mug', 2],
  ['Lamp', 3], ['Blanket', 3], ['Headphones', 4], ['Speaker', 4], ['Jacket', 5], ['Notebook', 6],
];
const CATEGORIES = ['Outdoors', 'Kitchen', 'Home', 'Audio', 'Apparel', 'Office'];
const OPENINGS = ['Honestly', 'Bought this as a gift and', 'After a month of use', 'My partner says', 'Five stars:', 'Not sure yet, but'];
const MIDDLES = ['it is waterproof', 'the battery lasts forever', 'it broke after a week', 'it runs small', 'great value', 'it feels premium'];
const ENDINGS = ['and shipping was fast.', 'would buy again.', 'the box was damaged.', 'customer service helped.', 'as described.', 'meh.'];

const list = (xs: string[]) => `[${xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(', ')}]`;
/** SQL choosing one of `xs` by an unsigned hash. */
const pick = (xs: string[], hash: string) => `${list(xs)}[(${hash} % ${xs.length})::BIGINT + 1]`;

/** Product ids in the seeded catalog: 1 … PRODUCT_COUNT. */
export const PRODUCT_COUNT = ADJECTIVES.length * NOUNS.length;

/**
 * Creates and fills the catalog: categories, products and `reviews` reviews (generated in SQL, so a few hundred
 * thousand take well under a second). Reviews have no index on product_id or body, which is what makes search slow.
 */
export async function seedCatalog(conn: DuckDBConnection, reviews: number): Promise<void> {
  await conn.run(`
    CREATE TABLE IF NOT EXISTS categories (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
    CREATE TABLE IF NOT EXISTS products (
      id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, category_id INTEGER NOT NULL,
      price_cents INTEGER NOT NULL, featured BOOLEAN NOT NULL, description VARCHAR NOT NULL);
    CREATE TABLE IF NOT EXISTS reviews (product_id INTEGER NOT NULL, author VARCHAR NOT NULL, rating INTEGER NOT NULL, body VARCHAR NOT NULL);`);
  const seeded = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM products');
  if ((seeded.getRowObjectsJS()[0]!.n as number) > 0) return;
  await conn.run(`INSERT INTO categories SELECT i + 1, ${list(CATEGORIES)}[i + 1] FROM range(${CATEGORIES.length}) t(i)`);
  await conn.run(`
    INSERT INTO products
    SELECT i + 1,
           ${list(ADJECTIVES)}[i % ${ADJECTIVES.length} + 1] || ' ' || ${list(NOUNS.map(([n]) => n))}[i // ${ADJECTIVES.length} + 1],
           [${NOUNS.map(([, c]) => c).join(', ')}][i // ${ADJECTIVES.length} + 1],
           (999 + (hash(i) % 20000))::INTEGER,
           i % 15 = 0,
           'A well-made ' || lower(${list(NOUNS.map(([n]) => n))}[i // ${ADJECTIVES.length} + 1]) || ' for every day.'
    FROM range(${PRODUCT_COUNT}) t(i)`);
  await conn.run(`
    INSERT INTO reviews
    SELECT (1 + hash(i) % ${PRODUCT_COUNT})::INTEGER,
           'shopper' || (i % 4999),
           (1 + hash(i * 31) % 5)::INTEGER,
           ${pick(OPENINGS, 'hash(i * 7)')} || ' ' || ${pick(MIDDLES, 'hash(i * 11)')} || ' ' || ${pick(ENDINGS, 'hash(i * 13)')} || ' (order ' || (100000 + hash(i * 17) % 900000) || ')'
    FROM range(${reviews}) t(i)`);
}
