// What the native API's route tests share: a DuckDB store holding a test file's spans and the native API over it,
// opened before the file's tests and closed after them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, UnixNanos } from '@clew/model';
import type { Store } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { AttributeCatalogs } from './attribute-catalogs.js';
import { nativeApi } from './index.js';

export interface NativeApiFixture {
  readonly store: Store;
  readonly app: FastifyInstance;
  /** The API's base URL when it listens (`listen`), else ''. */
  readonly base: string;
}

/**
 * Registers the store and the API for the test file: `spans` are appended to a new store whose clock reads `now`;
 * with `listen` the API answers on a loopback port (for fetch), else it answers `app.inject` only. The getter throws
 * until the file's beforeAll has run.
 */
export function useNativeApi(spans: () => readonly Span[], now: UnixNanos, opts: { listen?: boolean } = {}): () => NativeApiFixture {
  let dir = '';
  let fixture: NativeApiFixture | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clew-native-api-'));
    const store = await openDuckDBStore({ dir, now: () => now, checkpointIntervalMs: 0 });
    await store.append(spans());
    const app = Fastify();
    await app.register(nativeApi, { store, catalogs: new AttributeCatalogs() });
    const base = opts.listen ? await app.listen({ port: 0, host: '127.0.0.1' }) : (await app.ready(), '');
    fixture = { store, app, base };
  });
  afterAll(async () => {
    await fixture?.app.close();
    await fixture?.store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!fixture) throw new Error('the native API fixture is not open yet');
    return fixture;
  };
}
