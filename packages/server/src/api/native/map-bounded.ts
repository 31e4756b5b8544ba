/**
 * `fn` over `items` with at most `concurrency` calls in flight, results in input order. Keeps a page of searches
 * from opening a hundred store reads at once (DuckDB's connection pool would queue them anyway, but memory would not).
 */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
