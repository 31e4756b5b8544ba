// A private clickhouse-server for a benchmark (the installed one, Debian's 18.16 on these machines), started the way
// the tests start theirs (packages/testing/src/clickhouse-server.ts), and plain SQL over its HTTP interface.
import { register } from 'node:module';

// clickhouse-server.js also holds vitest's per-file helpers; outside vitest its `vitest` import is a stub.
register(
  'data:text/javascript,' +
    encodeURIComponent(
      `export async function resolve(s, c, next) { return s === 'vitest' ? { url: 'data:text/javascript,export const beforeAll=()=>{};export const afterAll=()=>{};', shortCircuit: true } : next(s, c); }`,
    ),
);
// zstdCompressionConfig: the server-wide compression docs/scale-out.md describes for 18.16 (no per-column codecs
// there), zstd at level 6 for every part, taken with CLEW_BENCH_CLICKHOUSE_COMPRESSION=zstd (CLEW_BENCH_ZSTD_LEVEL for
// another level). Without it the server keeps its default, LZ4.
const { startClickHouseServer, zstdCompressionConfig } = await import('../../packages/testing/dist/clickhouse-server.js');

/** Starts the server on free ports; `sql(query)` runs one statement and returns its text answer, trimmed. */
export async function startClickHouse() {
  const compression = process.env.CLEW_BENCH_CLICKHOUSE_COMPRESSION ?? 'lz4';
  if (compression !== 'zstd' && compression !== 'lz4') throw new Error(`CLEW_BENCH_CLICKHOUSE_COMPRESSION is zstd or lz4, not ${compression}`);
  const server = await startClickHouseServer(30_000, compression === 'zstd' ? zstdCompressionConfig(Number(process.env.CLEW_BENCH_ZSTD_LEVEL ?? 6)) : '');
  const sql = async (query) => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: query });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim();
  };
  return { ...server, compression, stop: () => server.stop(), sql };
}
