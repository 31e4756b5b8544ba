import type { Span, Tenant, TraceId } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import { decodeOtlpProto } from '@clew/codecs';
import { makeSpan } from '@clew/model/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../observability/metrics.js';
import type { PeerForwarderOptions, SendRequest } from './forwarder.js';
import { PeerForwarder } from './forwarder.js';
import { HashRing } from './ring.js';

const A = 'http://10.0.0.1:4318';
const B = 'http://10.0.0.2:4318';
const C = 'http://10.0.0.3:4318';
const log = pino({ level: 'silent' });

/** Deterministic trace ids, the first `n` the ring gives each member. */
function idsOwnedBy(members: string[], n: number): Record<string, TraceId[]> {
  const ring = new HashRing(members);
  const by: Record<string, TraceId[]> = Object.fromEntries(members.map((m) => [m, []]));
  for (let i = 1; members.some((m) => by[m]!.length < n); i++) {
    const id = i.toString(16).padStart(32, 'a') as TraceId;
    const list = by[ring.ownerOf(id)!]!;
    if (list.length < n) list.push(id);
  }
  return by;
}

/** A peer network where each member answers as told (a status, or 'down' for no answer), recording what it took. */
function network(answers: Record<string, number | 'down'>) {
  const calls: Array<{ url: string; headers: Record<string, string>; spans: string[] }> = [];
  const send: SendRequest = async (url, headers, body) => {
    const peer = url.replace(/\/v1\/traces$/, '');
    calls.push({ url, headers, spans: decodeOtlpProto(body).spans.map((s) => s.name) });
    const answer = answers[peer] ?? 200;
    if (answer === 'down') throw new Error('connect ECONNREFUSED');
    return answer;
  };
  return { calls, send, answers };
}

async function counted(metrics: ReturnType<typeof createMetrics>, name: string): Promise<Record<string, number>> {
  const m = (await metrics.registry.getSingleMetric(name)!.get()).values;
  return Object.fromEntries(m.map((v) => [Object.values(v.labels).join(' '), v.value]));
}

const spansOf = (ids: readonly TraceId[], prefix: string): Span[] => ids.map((traceId, i) => makeSpan({ traceId, name: `${prefix}-${i}` }));

function forwarder(members: string[], send: SendRequest, over: Partial<PeerForwarderOptions> = {}) {
  const metrics = createMetrics();
  const f = new PeerForwarder({ self: A, members, timeoutMs: 1000, retryForMs: 30, probeIntervalMs: 10, backoffMs: [5], send, ...over }, metrics, log);
  return { f, metrics };
}

describe('PeerForwarder', () => {
  const two = idsOwnedBy([A, B], 3);
  const three = idsOwnedBy([A, B, C], 3);

  it('keeps the spans it owns and sends the others to their owner, marked as forwarded, without auth headers when auth is off', async () => {
    const net = network({});
    const { f, metrics } = forwarder([A, B], net.send);
    const kept = await f.route(DEFAULT_TENANT, [...spansOf(two[A]!, 'a'), ...spansOf(two[B]!, 'b')]);
    expect(kept.map((s) => s.name)).toEqual(['a-0', 'a-1', 'a-2']);
    expect(net.calls).toEqual([
      { url: `${B}/v1/traces`, headers: { 'content-type': 'application/x-protobuf', 'x-clew-forwarded': '1' }, spans: ['b-0', 'b-1', 'b-2'] },
    ]);
    expect(await counted(metrics, 'clew_tail_forwarded_spans_total')).toEqual({ [`${B} forwarded`]: 3 });
  });

  it('names the tenant and sends the token when auth is on', async () => {
    const net = network({});
    const { f } = forwarder([A, B], net.send, { token: 's3cret' });
    await f.route('shop' as Tenant, spansOf(two[B]!, 'b'));
    expect(net.calls[0]!.headers).toEqual({
      'content-type': 'application/x-protobuf',
      'x-clew-forwarded': '1',
      authorization: 'Bearer s3cret',
      'x-scope-orgid': 'shop',
    });
  });

  it('sends at most maxSpansPerRequest spans a request', async () => {
    const net = network({});
    const { f } = forwarder([A, B], net.send, { maxSpansPerRequest: 2 });
    await f.route(DEFAULT_TENANT, spansOf(two[B]!, 'b'));
    expect(net.calls.map((c) => c.spans)).toEqual([['b-0', 'b-1'], ['b-2']]);
  });

  it('halves a request the peer finds too large (413) rather than route around a peer that is up', async () => {
    const calls: number[] = [];
    const send: SendRequest = async (_url, _headers, body) => {
      const n = decodeOtlpProto(body).spans.length;
      calls.push(n);
      return n > 1 ? 413 : 200;
    };
    const { f, metrics } = forwarder([A, B], send);
    expect(await f.route(DEFAULT_TENANT, spansOf(two[B]!, 'b'))).toEqual([]);
    expect(calls).toEqual([3, 2, 1, 1, 1]);
    expect(f.downPeers).toEqual([]);
    expect(await counted(metrics, 'clew_tail_forwarded_spans_total')).toEqual({ [`${B} forwarded`]: 3 });
  });

  it('retries a peer that does not answer for retryFor, then keeps its traces here (the next live member), counted', async () => {
    const net = network({ [B]: 'down' });
    const { f, metrics } = forwarder([A, B], net.send);
    const kept = await f.route(DEFAULT_TENANT, spansOf(two[B]!, 'b'));
    expect(kept.map((s) => s.name)).toEqual(['b-0', 'b-1', 'b-2']);
    expect(net.calls.length).toBeGreaterThan(1);
    expect(f.downPeers).toEqual([B]);
    expect(await counted(metrics, 'clew_tail_forwarded_spans_total')).toEqual({ [`${B} failed`]: 3, 'self rerouted': 3 });
    expect(await counted(metrics, 'clew_tail_peer_up')).toEqual({ self: 1, [B]: 0 });
    // Marked down: the next batch goes round it at once.
    const before = net.calls.length;
    expect((await f.route(DEFAULT_TENANT, spansOf(two[B]!, 'again'))).length).toBe(3);
    expect(net.calls.length).toBe(before);
  });

  it("sends a down peer's traces to the next live member on the ring, and only those", async () => {
    const net = network({ [B]: 'down' });
    const { f, metrics } = forwarder([A, B, C], net.send);
    const kept = await f.route(DEFAULT_TENANT, [...spansOf(three[B]!, 'b'), ...spansOf(three[C]!, 'c')]);
    const ring = new HashRing([A, B, C]);
    const toA = three[B]!.filter((id) => ring.ownerOf(id, (m) => m !== B) === A).length;
    expect(kept.length).toBe(toA);
    const c = await counted(metrics, 'clew_tail_forwarded_spans_total');
    expect(c[`${C} forwarded`]).toBe(3);
    expect((c[`${C} rerouted`] ?? 0) + (c['self rerouted'] ?? 0)).toBe(3);
    expect(c[`${B} failed`]).toBe(3);
  });

  it('does not retry a final refusal (a bad token), and routes around that peer', async () => {
    const net = network({ [B]: 401 });
    const { f } = forwarder([A, B], net.send, { retryForMs: 10_000 });
    expect((await f.route(DEFAULT_TENANT, spansOf(two[B]!, 'b'))).length).toBe(3);
    expect(net.calls.length).toBe(1);
  });

  it('probes a peer marked down and forwards to it again once it answers', async () => {
    const net = network({ [B]: 'down' });
    const { f, metrics } = forwarder([A, B], net.send);
    await f.route(DEFAULT_TENANT, spansOf(two[B]!, 'b'));
    expect(f.downPeers).toEqual([B]);
    net.answers[B] = 200;
    f.start();
    try {
      for (let i = 0; i < 100 && f.downPeers.length > 0; i++) await new Promise((r) => setTimeout(r, 5));
    } finally {
      f.stop();
    }
    expect(f.downPeers).toEqual([]);
    expect(net.calls.at(-1)!.spans).toEqual([]);
    expect(await f.route(DEFAULT_TENANT, spansOf(two[B]!, 'back'))).toEqual([]);
    expect((await counted(metrics, 'clew_tail_forwarded_spans_total'))[`${B} forwarded`]).toBe(3);
  });
});
