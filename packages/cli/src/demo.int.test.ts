// `clew demo` as a user runs it: the built CLI starts Clew and the shop on free ports, traffic flows, Ctrl-C stops
// everything and the process exits cleanly.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { getJson, tempDataDir } from '@clew/testing/clew-process';

const BIN = fileURLToPath(new URL('../bin/clew.js', import.meta.url));
const SHOP = ['frontend', 'catalog', 'cart', 'checkout', 'payment', 'inventory', 'shipping'];
const PORT_FLAGS = ['--query-port', '--otlp-http-port', '--otlp-grpc-port', '--zipkin-port', '--jaeger-http-port', '--jaeger-compact-port', '--jaeger-binary-port', '--tempo-port'];

let cleanup: (() => Promise<void>) | undefined;
afterAll(() => cleanup?.());

it('clew demo starts Clew and the shop, traces of every shop service arrive, and Ctrl-C stops it all cleanly', async () => {
  const data = await tempDataDir();
  cleanup = data.cleanup;
  const child = spawn(process.execPath, [BIN, 'demo', '--data-dir', data.dir, '--rate', '10', ...PORT_FLAGS.flatMap((f) => [f, '0'])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const urls = await new Promise<{ query: string; frontend: string }>((resolve, reject) => {
      const check = () => {
        const query = /Open (http:\/\/\S+?)\/ to see the traces/.exec(out)?.[1];
        const frontend = /frontend is (http:\/\/\S+)/.exec(out)?.[1];
        if (query && frontend) resolve({ query, frontend });
      };
      child.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`clew demo exited with ${code} before it was ready\n${out}\n${err}`)));
    });

    // Poll until the load generator's traffic has put every shop service into Clew.
    let services: string[] = [];
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      services = (await getJson<{ data: string[] | null }>(`${urls.query}/api/services`)).body.data ?? [];
      if (SHOP.every((s) => services.includes(s))) break;
    }
    expect(services).toEqual(expect.arrayContaining(SHOP));
    const traces = await getJson<{ data: unknown[] }>(`${urls.query}/api/traces?service=frontend&limit=5`);
    expect(traces.body.data.length).toBeGreaterThan(0);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/Ctrl-C: stopping the shop and Clew/);
    expect(out).toMatch(/Sent \d+ requests/);
    // The shop went with it.
    await expect(fetch(`${urls.frontend}/health`)).rejects.toThrow();
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}, 180_000);
