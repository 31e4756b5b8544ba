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
// zstdCompression: the server settings docs/scale-out.md describes for 18.16 (no per-column codecs there), zstd at
// level 6 for every part and compressed blocks of 16 KiB and up, taken with CLEW_BENCH_CLICKHOUSE_COMPRESSION=zstd
// (CLEW_BENCH_ZSTD_LEVEL for another level, CLEW_BENCH_MIN_COMPRESS_BLOCK=65536 for the server's default block size).
// Without it the server keeps its defaults: LZ4, blocks of 64 KiB and up.
const { minCompressBlock, startClickHouseServer, zstdCompression } = await import('../../packages/testing/dist/clickhouse-server.js');

/** Starts the server on free ports; `sql(query)` runs one statement and returns its text answer, trimmed. */
export async function startClickHouse() {
  const compression = process.env.CLEW_BENCH_CLICKHOUSE_COMPRESSION ?? 'lz4';
  if (compression !== 'zstd' && compression !== 'lz4') throw new Error(`CLEW_BENCH_CLICKHOUSE_COMPRESSION is zstd or lz4, not ${compression}`);
  const block = process.env.CLEW_BENCH_MIN_COMPRESS_BLOCK === undefined ? undefined : Number(process.env.CLEW_BENCH_MIN_COMPRESS_BLOCK);
  const level = Number(process.env.CLEW_BENCH_ZSTD_LEVEL ?? 6);
  const tuning =
    compression === 'zstd' ? zstdCompression(level, block) : block === undefined ? {} : { profile: minCompressBlock(block) };
  const server = await startClickHouseServer(30_000, tuning);
  const sql = async (query) => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: query });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim();
  };
  return { ...server, compression: `${compression} parts, min_compress_block_size ${block ?? (compression === 'zstd' ? 'as documented' : 'the default')}`, stop: () => server.stop(), sql };
}
