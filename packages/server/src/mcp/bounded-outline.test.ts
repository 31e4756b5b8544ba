import { spanOutline } from '@clew/model';
import type { UnixNanos } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { TreeNode } from '@clew/model/testing';
import { describe, expect, it } from 'vitest';
import { boundedOutline } from './bounded-outline.js';
import { timedOutline } from './timed-outline.js';

const T0 = 1_700_000_000_000_000_000n as UnixNanos;

/** The outline of a trace drawn as a tree, in API order (by start, then span id). */
function outlineOf(root: TreeNode) {
  const spans = makeTrace(T0, root).map(spanOutline);
  spans.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : a.spanId < b.spanId ? -1 : 1));
  return timedOutline(spans);
}

/** The lines without span ids, so a test reads like the tree. */
const shape = (lines: readonly string[]) => lines.map((l) => l.replace(/[0-9a-f]{16} /, ''));

/*
 *   api GET /cart        |0 ─────────────────── 10|
 *     db a               |1 ─ 2|
 *     db b                    |2 ─ 3|
 *     cart load                    |3 ──────── 9|
 *       db c                        |4 ─ 5|
 *       db d (ERROR)                      |6 ─ 7|
 */
const cart = outlineOf({
  service: 'api',
  name: 'GET /cart',
  at: 0,
  ms: 10,
  children: [
    { service: 'db', name: 'a', at: 1, ms: 1 },
    { service: 'db', name: 'b', at: 2, ms: 1 },
    {
      service: 'cart',
      name: 'load',
      at: 3,
      ms: 6,
      children: [
        { service: 'db', name: 'c', at: 4, ms: 1 },
        { service: 'db', name: 'd', at: 6, ms: 1, error: true },
      ],
    },
  ],
});

describe('boundedOutline', () => {
  it('lists a small trace whole, indented by depth', () => {
    const o = boundedOutline(cart, { maxSpans: 100 });
    expect(o).toMatchObject({ spanCount: 6, errorCount: 1, durationMs: 10, listed: 6, notListed: 0, root: { service: 'api', name: 'GET /cart' } });
    expect(o.note).toBeUndefined();
    expect(o.services).toEqual([
      { service: 'db', spans: 4, errors: 1 },
      { service: 'api', spans: 1, errors: 0 },
      { service: 'cart', spans: 1, errors: 0 },
    ]);
    expect(shape(o.spans)).toEqual([
      'api: GET /cart (server) +0 10ms',
      '  db: a (internal) +1 1ms',
      '  db: b (internal) +2 1ms',
      '  cart: load (internal) +3 6ms',
      '    db: c (internal) +4 1ms',
      '    db: d (internal) +6 1ms ERROR',
    ]);
  });

  it('keeps the top of the tree and the error with the spans above it, and counts what it cut', () => {
    const o = boundedOutline(cart, { maxSpans: 4 });
    expect(o).toMatchObject({ listed: 4, notListed: 2 });
    expect(shape(o.spans)).toEqual([
      'api: GET /cart (server) +0 10ms [+2 below]',
      '  db: a (internal) +1 1ms',
      '  cart: load (internal) +3 6ms [+1 below]',
      '    db: d (internal) +6 1ms ERROR',
    ]);
    expect(o.note).toMatch(/2 of 6 spans are not listed/);
  });

  it('opens the subtree under a span', () => {
    const load = cart.spans.findIndex((s) => s.name === 'load');
    const o = boundedOutline(cart, { maxSpans: 2, under: load });
    expect(o).toMatchObject({ under: cart.spans[load]!.spanId, listed: 2, notListed: 1 });
    expect(shape(o.spans)).toEqual(['cart: load (internal) +3 6ms [+1 below]', '  db: d (internal) +6 1ms ERROR']);
  });

  it('stops indenting past twelve levels and says the depth instead', () => {
    let node: TreeNode = { service: 's', name: 'leaf', at: 0, ms: 1 };
    for (let d = 0; d < 20; d++) node = { service: 's', name: `level`, at: 0, ms: 1, children: [node] };
    const lines = boundedOutline(outlineOf(node), { maxSpans: 100 }).spans;
    expect(lines).toHaveLength(21);
    expect(lines[20]).toMatch(/^ {24}\[depth 20\] [0-9a-f]{16} s: leaf /);
  });
});
