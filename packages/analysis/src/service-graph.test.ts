import { SpanKind } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { drawTrace } from './draw-trace.js';
import type { GraphSpan, ServiceGraphEdge } from './service-graph.js';
import { graphAttributeSlots, ServiceGraphPairer } from './service-graph.js';

const { CLIENT, SERVER, PRODUCER, CONSUMER, INTERNAL } = SpanKind;

/** Drawn spans of one trace, with each span's kind (and attributes) given by its id; undrawn kinds are INTERNAL. */
function spans(
  picture: string,
  kinds: Record<string, SpanKind>,
  attributes: Record<string, Record<string, string>> = {},
  traceId = 't1',
): GraphSpan[] {
  return drawTrace(picture).map((s) => ({
    ...s,
    traceId,
    kind: kinds[s.spanId] ?? INTERNAL,
    attributes: attributes[s.spanId] ?? {},
  }));
}

/** An edge as one readable line: "client -> server [type] c=… s=… failed". */
const line = (e: ServiceGraphEdge): string =>
  `${e.client} -> ${e.server} [${e.connectionType}] c=${e.clientDurationNanos} s=${e.serverDurationNanos}` +
  (e.failed ? ' failed' : '') +
  (e.virtualNode !== null ? ` virtual=${e.virtualNode}` : '');

describe('ServiceGraphPairer', () => {
  it('pairs a client span with the server span whose parent it is, within one batch', () => {
    const trace = spans(
      `
      A .  web  |--------------|
      B A  web    |----------|
      C B  api      |------|
      D C  api       |--|
      `,
      { A: SERVER, B: CLIENT, C: SERVER },
    );
    const pairer = new ServiceGraphPairer();
    // A, the root server span, can have no client: its edge from "user" is made at once.
    expect(pairer.push(trace, 0).map(line)).toEqual(['user -> web [virtual_node] c=0 s=15 virtual=client', 'web -> api [] c=11 s=7']);
    expect(pairer.counters()).toMatchObject({ pending: 0, paired: 1, virtual: 1 });
  });

  it("gives pushOne's sink every edge in one object filled anew, and push a copy of each", () => {
    const trace = spans(
      `
      A .  web  |--------------|
      B A  web    |----------|
      C B  api      |------|
      `,
      { A: SERVER, B: CLIENT, C: SERVER },
    );
    const pairer = new ServiceGraphPairer();
    const seen: ServiceGraphEdge[] = [];
    const lines: string[] = [];
    for (const s of trace) pairer.pushOne(s, 0, (e) => (seen.push(e), lines.push(line(e))));
    expect(lines).toEqual(['user -> web [virtual_node] c=0 s=15 virtual=client', 'web -> api [] c=11 s=7']);
    expect(seen[0]).toBe(seen[1]);
    const copies = new ServiceGraphPairer().push(trace, 0);
    expect(copies.map(line)).toEqual(lines);
    expect(copies[0]).not.toBe(copies[1]);
  });

  it('keeps two traces apart when their spans share an id', () => {
    const picture = `
      B .  web   |----------|
      C B  api     |------|
      `;
    const one = spans(picture, { B: CLIENT, C: SERVER }, {}, 't1');
    const two = spans(picture.replace('api', 'db '), { B: CLIENT, C: SERVER }, {}, 't2');
    const pairer = new ServiceGraphPairer();
    // Both client halves wait under span id B, the second under a key with its trace id.
    expect(pairer.push([one[0]!, two[0]!], 0)).toEqual([]);
    expect(pairer.push([two[1]!, one[1]!], 0).map((e) => `${e.traceId} ${line(e)}`)).toEqual(['t2 web -> db [] c=11 s=7', 't1 web -> api [] c=11 s=7']);
    expect(pairer.counters().pending).toBe(0);
  });

  it('pairs across batches when the server span arrives first', () => {
    const trace = spans(
      `
      B .  web   |----------|
      C B  api     |------|
      `,
      { B: CLIENT, C: SERVER },
    );
    const pairer = new ServiceGraphPairer({ waitMs: 1000 });
    expect(pairer.push([trace[1]!], 0)).toEqual([]);
    expect(pairer.counters().pending).toBe(1);
    const edges = pairer.push([trace[0]!], 500);
    expect(edges.map(line)).toEqual(['web -> api [] c=11 s=7']);
    expect(edges[0]!.traceId).toBe('t1');
    expect(pairer.counters()).toMatchObject({ pending: 0, paired: 1 });
  });

  it('does not pair spans of different traces that share span ids', () => {
    const pic = `
      B .  web   |----------|
      C B  api     |------|
      `;
    const kinds = { B: CLIENT, C: SERVER };
    const pairer = new ServiceGraphPairer();
    expect(pairer.push([spans(pic, kinds, {}, 't1')[0]!, spans(pic, kinds, {}, 't2')[1]!], 0)).toEqual([]);
    expect(pairer.counters().pending).toBe(2);
  });

  it('pairs a producer with its consumer as a messaging_system edge', () => {
    const trace = spans(
      `
      P .  orders     |--|
      Q P  billing          |-----|
      `,
      { P: PRODUCER, Q: CONSUMER },
    );
    expect(new ServiceGraphPairer().push(trace, 0).map(line)).toEqual([
      'orders -> billing [messaging_system] c=3 s=6',
    ]);
  });

  it('a database call is a whole edge at once, named by db.name, with the client duration on both sides', () => {
    const trace = spans(
      `
      Q .  api   |----|
      `,
      { Q: CLIENT },
      { Q: { 'db.system': 'postgresql', 'db.name': 'orders' } },
    );
    const pairer = new ServiceGraphPairer();
    expect(pairer.push(trace, 0).map(line)).toEqual(['api -> orders [database] c=5 s=5']);
    expect(pairer.counters()).toMatchObject({ pending: 0, paired: 1 });
  });

  const databaseNaming: Array<[string, Record<string, string>, string]> = [
    ['db.system alone names the database', { 'db.system': 'redis' }, 'redis'],
    ['db.namespace comes before db.name', { 'db.namespace': 'ns', 'db.name': 'n' }, 'ns'],
    ['peer.service comes first', { 'db.name': 'n', 'server.address': 'db-1', 'peer.service': 'pg' }, 'pg'],
    ['then server.address', { 'db.name': 'n', 'server.address': 'db-1', 'network.peer.address': '10.0.0.1' }, 'db-1'],
    ['then network.peer.address with its port', { 'db.name': 'n', 'network.peer.address': '10.0.0.1', 'network.peer.port': '5432' }, '10.0.0.1:5432'],
  ];
  it.each(databaseNaming)('database naming: %s', (_, attributes, server) => {
    const trace = spans(`Q . api |--|`, { Q: CLIENT }, { Q: attributes });
    expect(new ServiceGraphPairer().push(trace, 0).map((e) => e.server)).toEqual([server]);
  });

  /** Attributes by name as the values by slot a caller on the ingest path gives. */
  const bySlot = (attributes: Record<string, string>, options = {}) => {
    const slots = graphAttributeSlots(options);
    const values = new Array<string | undefined>(slots.size).fill(undefined);
    for (const [name, value] of Object.entries(attributes)) if (slots.has(name)) values[slots.get(name)!] = value;
    return values;
  };

  it.each(databaseNaming)('database naming from values by slot: %s', (_, attributes, server) => {
    const [span] = spans(`Q . api |--|`, { Q: CLIENT });
    expect(new ServiceGraphPairer().push([{ ...span!, attributes: undefined, attributeValues: bySlot(attributes) }], 0).map((e) => e.server)).toEqual([server]);
  });

  it("reads values by slot as it reads attributes by name: peers, the resource's before the span's, configured names", () => {
    const options = { peerAttributes: ['net.peer.name'], databaseNameAttributes: ['db.instance'] };
    const trace = spans(
      `
      R .  web  |----------|
      A R  web   |--|
      Q R  web       |--|
      `,
      { R: SERVER, A: CLIENT, Q: CLIENT },
      { R: { 'net.peer.name': 'lb' }, A: { 'net.peer.name': 'payments' }, Q: { 'db.instance': 'orders', 'server.address': 'span-host' } },
    );
    const resource = { 'server.address': 'resource-host' };
    const byName = new ServiceGraphPairer({ ...options, waitMs: 10 });
    const bySlots = new ServiceGraphPairer({ ...options, waitMs: 10 });
    const named = trace.map((s) => ({ ...s, resourceAttributes: resource }));
    const slotted = trace.map((s) => ({ ...s, attributes: undefined, attributeValues: bySlot(s.attributes!, options), resourceValues: bySlot(resource, options) }));
    const lines = (p: ServiceGraphPairer, t: GraphSpan[]) => [...p.push(t, 0), ...p.expire(10)].map(line);
    expect(lines(bySlots, slotted)).toEqual(lines(byName, named));
    expect(lines(new ServiceGraphPairer({ ...options, waitMs: 10 }), slotted)).toEqual([
      'lb -> web [virtual_node] c=0 s=11 virtual=client',
      'web -> resource-host [database] c=3 s=3',
      'web -> payments [virtual_node] c=3 s=0 virtual=server',
    ]);
  });

  it('an unpaired client span with peer.service becomes an edge to a virtual server when its wait is over', () => {
    const trace = spans(
      `
      A .  shop   |-------|
      `,
      { A: CLIENT },
      { A: { 'peer.service': 'payments', 'server.address': 'pay.example.com' } },
    );
    const pairer = new ServiceGraphPairer({ waitMs: 1000 });
    expect(pairer.push(trace, 0)).toEqual([]);
    expect(pairer.expire(999)).toEqual([]);
    expect(pairer.expire(1000).map(line)).toEqual(['shop -> payments [virtual_node] c=8 s=0 virtual=server']);
    expect(pairer.counters()).toMatchObject({ pending: 0, virtual: 1, paired: 0 });
  });

  it('an unpaired client span with only server.address or messaging.system is counted as expired (not a Tempo peer attribute)', () => {
    const trace = spans(
      `
      A .  shop   |-------|
      B .  shop   |--|
      `,
      { A: CLIENT, B: PRODUCER },
      { A: { 'server.address': 'pay.example.com' }, B: { 'messaging.system': 'kafka' } },
    );
    const pairer = new ServiceGraphPairer({ waitMs: 10 });
    pairer.push(trace, 0);
    expect(pairer.expire(10)).toEqual([]);
    expect(pairer.counters().expiredUnpaired).toEqual({ client: 1, server: 0, producer: 1, consumer: 0 });
  });

  it('peer attributes are searched in the configured order', () => {
    const trace = spans(`A . shop |--|`, { A: CLIENT }, { A: { 'server.address': 'pay.example.com', 'peer.service': 'payments' } });
    const pairer = new ServiceGraphPairer({ waitMs: 0, peerAttributes: ['server.address', 'peer.service'] });
    pairer.push(trace, 0);
    expect(pairer.expire(0).map((e) => e.server)).toEqual(['pay.example.com']);
  });

  it('a root server span becomes an edge from "user", or from its peer.service, at once: nothing waits', () => {
    const pairer = new ServiceGraphPairer({ waitMs: 10 });
    expect(pairer.push(spans(`A . web |-----|`, { A: SERVER }, {}, 't1'), 0).map(line)).toEqual(['user -> web [virtual_node] c=0 s=6 virtual=client']);
    const edges = pairer.push([{ ...spans(`A . web |--|!`, { A: SERVER }, { A: { 'peer.service': 'mobile-app' } }, 't2')[0]!, epochMs: 60_000, position: 7 }], 0);
    expect(edges.map(line)).toEqual(['mobile-app -> web [virtual_node] c=0 s=3 failed virtual=client']);
    expect(edges[0]).toMatchObject({ traceId: 't2', epochMs: 60_000, position: 7 });
    expect(pairer.counters()).toMatchObject({ pending: 0, virtual: 2, evictedEarly: 0 });
    expect(pairer.expire(10)).toEqual([]);
  });

  it('a root consumer span is called by "user" too, and two root server spans of one trace make two edges', () => {
    const pairer = new ServiceGraphPairer();
    const trace = spans(
      `
      A .  web      |-----|
      B .  web         |--|
      Q .  billing  |----|
      `,
      { A: SERVER, B: SERVER, Q: CONSUMER },
    );
    expect(pairer.push(trace, 0).map(line)).toEqual([
      'user -> web [virtual_node] c=0 s=6 virtual=client',
      'user -> web [virtual_node] c=0 s=3 virtual=client',
      'user -> billing [virtual_node] c=0 s=5 virtual=client',
    ]);
    expect(pairer.counters()).toMatchObject({ pending: 0, virtual: 3 });
  });

  it('a non-root server span whose client never comes is counted as expired, not made an edge', () => {
    const trace = spans(
      `
      A .  gateway  |--------|
      B A  api        |----|
      `,
      { B: SERVER },
    );
    const pairer = new ServiceGraphPairer({ waitMs: 10 });
    pairer.push(trace, 0);
    expect(pairer.expire(10)).toEqual([]);
    expect(pairer.counters().expiredUnpaired).toEqual({ client: 0, server: 1, producer: 0, consumer: 0 });
  });

  it.each([
    [
      'client',
      `
      B .  web  |------|!
      C B  api    |--|
      `,
    ],
    [
      'server',
      `
      B .  web  |------|
      C B  api    |--|!
      `,
    ],
  ])('an error on the %s side fails the edge', (_, picture) => {
    const edges = new ServiceGraphPairer().push(spans(picture, { B: CLIENT, C: SERVER }), 0);
    expect(edges.map((e) => e.failed)).toEqual([true]);
  });

  it('ignores internal spans and spans without a service, counting the latter', () => {
    const trace = spans(
      `
      A .  web  |------|
      B A  web   |--|
      `,
      { A: INTERNAL, B: CLIENT },
    ).map((s) => (s.spanId === 'B' ? { ...s, service: '' } : s));
    const pairer = new ServiceGraphPairer();
    expect(pairer.push(trace, 0)).toEqual([]);
    expect(pairer.counters()).toMatchObject({ pending: 0, ignoredSpans: 1 });
  });

  it('expires in arrival order and keeps the rest waiting', () => {
    const pairer = new ServiceGraphPairer({ waitMs: 100 });
    const peer = { A: { 'peer.service': 'payments' } };
    pairer.push(spans(`A . web |--|`, { A: CLIENT }, peer, 't1'), 0);
    pairer.push(spans(`A . web |---|`, { A: CLIENT }, peer, 't2'), 50);
    expect(pairer.expire(100).map((e) => e.traceId)).toEqual(['t1']);
    expect(pairer.counters().pending).toBe(1);
    expect(pairer.expire(150).map((e) => e.traceId)).toEqual(['t2']);
  });

  it('holds at most maxItems half edges: the oldest is expired early, through the same rules, and counted', () => {
    const pairer = new ServiceGraphPairer({ waitMs: 60_000, maxItems: 2 });
    const calls = ['t1', 't2', 't3'].map((t) => spans(`A . web |--|`, { A: CLIENT }, { A: { 'peer.service': 'payments' } }, t)[0]!);
    expect(pairer.push(calls.slice(0, 2), 0)).toEqual([]);
    expect(pairer.push([calls[2]!], 1).map((e) => `${e.traceId} ${line(e)}`)).toEqual([
      't1 web -> payments [virtual_node] c=3 s=0 virtual=server',
    ]);
    expect(pairer.counters()).toMatchObject({ pending: 2, evictedEarly: 1, virtual: 1 });
    // Spans are taken one at a time, as Tempo does: the client half of a pair in one batch still needs a place
    // while it waits for the server span after it, so it evicts the next oldest.
    const pair = spans(
      `
      B .  web  |----|
      C B  api   |--|
      `,
      { B: CLIENT, C: SERVER },
      {},
      't4',
    );
    expect(pairer.push(pair, 2).map((e) => `${e.traceId} ${line(e)}`)).toEqual([
      't2 web -> payments [virtual_node] c=3 s=0 virtual=server',
      't4 web -> api [] c=5 s=3',
    ]);
    expect(pairer.counters()).toMatchObject({ pending: 1, evictedEarly: 2, paired: 1 });
  });
});
