import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useClewProcess } from '@clew/testing/clew-process';

const BIN = fileURLToPath(new URL('../bin/clew.js', import.meta.url));
const running = useClewProcess();

/** Runs the built `clew` without blocking this process, whose own servers must keep answering meanwhile. */
function clew(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A local server answering every request with `answer` (or never, when it is null); resolves with its base URL. */
async function serverAnswering(answer: { status: number; type: string; body: string } | null): Promise<string> {
  const server = createServer((_req, res) => {
    if (answer === null) return; // hold the request open: a hung process
    res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('clew --version', () => {
  it("prints the version in the CLI's package.json", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const out = await clew('--version');
    expect(out).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('clew health', () => {
  it('exits 0 with one line when a running Clew says ok', async () => {
    const out = await clew('health', '--url', running().query);
    expect(out).toEqual({ status: 0, stdout: `ok: ${running().query}\n`, stderr: '' });
  });

  it("exits 1 with /health's reason when the store cannot be read", async () => {
    // What the query port answers then (checked against a closed store in server's query-app.int.test.ts).
    const url = await serverAnswering({ status: 503, type: 'application/json', body: '{"status":"unavailable","reason":"store unreadable: the DuckDB store is closed"}' });
    const out = await clew('health', '--url', url);
    expect(out).toEqual({ status: 1, stdout: '', stderr: `clew health: ${url}/health answered 503: store unreadable: the DuckDB store is closed\n` });
  });

  it('exits 1 when something other than Clew answers', async () => {
    const url = await serverAnswering({ status: 200, type: 'text/html', body: '<!doctype html>\n<h1>Welcome</h1>' });
    const out = await clew('health', '--url', url);
    expect(out).toEqual({ status: 1, stdout: '', stderr: `clew health: ${url}/health answered 200: <!doctype html> <h1>Welcome</h1>\n` });
  });

  it('exits 1 when nothing listens there', async () => {
    const url = await serverAnswering({ status: 200, type: 'application/json', body: '{"status":"ok"}' });
    const server = servers.pop()!;
    await new Promise((r) => server.close(r));
    const out = await clew('health', '--url', url);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe(`clew health: ${url}/health: cannot reach it (connect ECONNREFUSED ${url.slice('http://'.length)})\n`);
  });

  it('exits 1 when no answer comes within --timeout', async () => {
    const url = await serverAnswering(null);
    const out = await clew('health', '--url', url, '--timeout', '300');
    expect(out).toEqual({ status: 1, stdout: '', stderr: `clew health: ${url}/health: no answer within 300 ms\n` });
  });

  it('refuses a --url that is not a URL', async () => {
    const out = await clew('health', '--url', 'localhost 16686');
    expect(out.status).toBe(1);
    expect(out.stderr).toBe('clew health: --url must be a URL such as http://127.0.0.1:16686, not "localhost 16686"\n');
  });
});
