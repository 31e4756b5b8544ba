import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Span, TraceId, UnixNanos } from '@clew/model';
import { str } from '@clew/model';
import { makeSpan } from '@clew/model/testing';
import type { DuckDBStore } from './duckdb-store.js';
import { openDuckDBStore } from './duckdb-store.js';
import { BLOCK_SPANS } from './partition.js';

const now = (): UnixNanos => 1_764_000_000_000_000_000n as UnixNanos;
let dir = '';
let store: DuckDBStore | undefined;

afterEach(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

let traces = 0;
/** n spans of n traces, the first tagged `tag`, the others `common`. */
const spans = (n: number, tag: string): Span[] =>
  Array.from({ length: n }, (_, i) =>
    makeSpan({
      traceId: (++traces).toString(16).padStart(32, '0') as TraceId,
      attributes: [{ key: 'tag', value: str(i === 0 ? tag : 'common') }],
    }),
  );

it('finds rare attribute values in full blocks, in a block left part-full, and after it, across reopen', async () => {
  dir = await mkdtemp(join(tmpdir(), 'clew-attr-bloom-'));
  const open = () => openDuckDBStore({ dir, now, memoryLimit: '256MB', threads: 2 });
  store = await open();
  // A full block (its bloom stored), then a part-full one (its bloom never stored).
  await store.append(spans(BLOCK_SPANS, 'in-full-block'));
  await store.append(spans(10, 'in-part-block'));
  store = (await store.close(), await open());
  await store.append(spans(10, 'after-reopen'));
  const find = async (v: string) => (await store!.findTraces({ attributes: [['tag', v]], limit: 5 })).total;
  expect(await find('in-full-block')).toBe(1);
  expect(await find('in-part-block')).toBe(1);
  expect(await find('after-reopen')).toBe(1);
  expect(await find('nowhere')).toBe(0);
  expect(await find('common')).toBe(BLOCK_SPANS + 20 - 3);
}, 60_000);
