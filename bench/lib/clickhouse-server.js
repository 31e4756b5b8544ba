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
const { startClickHouseServer } = await import('../../packages/testing/dist/clickhouse-server.js');

/** Starts the server on free ports; `sql(query)` runs one statement and returns its text answer, trimmed. */
export async function startClickHouse() {
  const server = await startClickHouseServer();
  const sql = async (query) => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: query });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim();
  };
  return { ...server, stop: () => server.stop(), sql };
}
