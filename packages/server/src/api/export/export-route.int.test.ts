import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { DuckDBStore } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributeCatalogs } from '../native/attribute-catalogs.js';
import { nativeApi } from '../native/index.js';
import { EXPORT_ROUTE } from './export-format.js';

const DAY0 = (BigInt(Date.UTC(2026, 10, 1)) * 1_000_000n) as UnixNanos;
const WINDOW = `start=${DAY0}&end=${DAY0 + 86_400_000_000_000n}`;
const TRACES = 1200;

/**
 * A whole-trace export (`clew export --url … --service S`) finds its traces before the first byte of its answer, which
 * takes as long as the window: here the store's search for them waits on a gate, so that the client can go, or the
 * Clew stop, while it runs.
 */
describe('the export route, stopped while it finds the traces', () => {
  let dir: string;
  let store: DuckDBStore;
  let gate: Promise<void> | undefined;
  let searched: () => void;
  let calls = { findTraces: 0, getTraces: 0 };
  /** Settles once the server hears that the last request's connection closed, or its answer ended. */
  let answered: Promise<unknown> = Promise.resolve();

  async function startApp(): Promise<{ app: FastifyInstance; base: string }> {
    // The store as the route reads it, counting the searches and the reads of traces, and holding the searches at the gate.
    const reader = new Proxy(store, {
      get(target, key) {
        if (key === 'findTraces') {
          return async (...args: Parameters<DuckDBStore['findTraces']>) => {
            calls.findTraces++;
            searched();
            await gate;
            return target.findTraces(...args);
          };
        }
        if (key === 'getTraces') {
          return (...args: Parameters<DuckDBStore['getTraces']>) => {
            calls.getTraces++;
            return target.getTraces(...args);
          };
        }
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    // Connections idle after their answer close soon, so that closing the app does not wait for them (a Clew's own apps
    // end them when they stop: http-app.ts).
    const app = Fastify({ keepAliveTimeout: 100 });
    app.addHook('onRequest', async (_request, reply) => {
      answered = once(reply.raw, 'close');
    });
    await app.register(nativeApi, { store: reader, catalogs: new AttributeCatalogs() });
    return { app, base: await app.listen({ port: 0, host: '127.0.0.1' }) };
  }

  /** Sets the gate; resolves once a search waits at it, with the function that opens it. */
  function hold(): { searching: Promise<void>; release: () => void } {
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    const searching = new Promise<void>((r) => (searched = r));
    calls = { findTraces: 0, getTraces: 0 };
    return { searching, release };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-export-route-'));
    store = await openDuckDBStore({ dir: join(dir, 'store'), checkpointIntervalMs: 0 });
    // More traces than one search page (1,000) holds: the route is stopped between two of them.
    await store.append(
      Array.from({ length: TRACES }, (_, i) =>
        makeTrace((DAY0 + BigInt(i + 1) * 60_000_000_000n) as UnixNanos, { service: 'checkout', name: 'POST /checkout', at: 0, ms: 5 }),
      ).flat(),
    );
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops reading when the client goes', async () => {
    const { app, base } = await startApp();
    try {
      const { searching, release } = hold();
      const client = new AbortController();
      const answer = fetch(`${base}${EXPORT_ROUTE}?${WINDOW}&service=checkout`, { signal: client.signal }).catch((e: Error) => e);
      await searching;
      client.abort();
      expect(await answer).toBeInstanceOf(Error);
      // The server hears the connection close before the search goes on.
      await answered;
      release();
      // Every request is done once no connection is left.
      await app.close();
      expect(calls).toEqual({ findTraces: 1, getTraces: 0 });

      // Not gated, the same export reads the traces.
      gate = undefined;
      calls = { findTraces: 0, getTraces: 0 };
      const again = await startApp();
      try {
        const res = await fetch(`${again.base}${EXPORT_ROUTE}?${WINDOW}&service=checkout&format=json`);
        expect(res.status).toBe(200);
        // Two searches, then the traces in pages of 500, each page a line.
        expect((await res.text()).split('\n').filter(Boolean)).toHaveLength(3);
        expect(calls).toEqual({ findTraces: 2, getTraces: 3 });
      } finally {
        await again.app.close();
      }
    } finally {
      await app.close();
    }
  });

  it('ends with 503 when the Clew stops, and does not hold the stop', async () => {
    const { app, base } = await startApp();
    const { searching, release } = hold();
    const answer = fetch(`${base}${EXPORT_ROUTE}?${WINDOW}&service=checkout`);
    await searching;
    const closing = app.close();
    // The search already asked for goes on; the route stops after it, without reading the traces.
    release();
    const res = await answer;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'SHUTTING_DOWN',
      message: 'this Clew is stopping: export again from another instance or once it is back',
    });
    await closing;
    expect(calls).toEqual({ findTraces: 1, getTraces: 0 });
  });
});
