import { SpanKind } from '@clew/model';
import type { HalfEdge } from './half-edge-queue.js';
import { HalfEdgeQueue, newHalfEdge, resetHalfEdge } from './half-edge-queue.js';

/**
 * What service-graph pairing needs of a span. Times are nanoseconds from any origin shared by the span's own start
 * and end (only the difference is used). Attributes are string values; `resourceAttributes` are looked at before
 * `attributes` for the database rules, as Tempo does. A caller on the ingest path gives them as `attributeValues`
 * and `resourceValues` instead: the values of the names pairing reads, in graphAttributeSlots order, which pairing
 * reads by index rather than by name.
 */
export interface GraphSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly kind: SpanKind;
  readonly service: string;
  readonly start: number;
  readonly end: number;
  readonly error: boolean;
  /** When the span started, epoch ms: the edge takes its client's (else its server's), to place it in a minute. */
  readonly epochMs?: number;
  /** Where the span came from (a log position, say): an edge carries the lowest of its spans'. */
  readonly position?: number;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** In place of `attributes`: their values by graphAttributeSlots, undefined where absent. */
  readonly attributeValues?: GraphAttributeValues;
  /** In place of `resourceAttributes`, as `attributeValues`. */
  readonly resourceValues?: GraphAttributeValues;
}

/** Attribute values indexed by graphAttributeSlots (undefined where a span has no such attribute). */
export type GraphAttributeValues = ReadonlyArray<string | undefined>;

/** Tempo's `connection_type` label values; a plain request/response call is the empty string, as in Tempo. */
export type ConnectionType = '' | 'messaging_system' | 'database' | 'virtual_node';

/** One observed call between two services: a metric sample, not an aggregate. */
export interface ServiceGraphEdge {
  readonly client: string;
  readonly server: string;
  readonly connectionType: ConnectionType;
  /** Either side had status ERROR. */
  readonly failed: boolean;
  /** 0 when there was no client span (a "user" edge). */
  readonly clientDurationNanos: number;
  /** 0 when there was no server span (a virtual server); the client's duration for a database call. */
  readonly serverDurationNanos: number;
  readonly traceId: string;
  /** Which side is made up (Tempo's `virtual_node` label), or null when both services sent spans. */
  readonly virtualNode: 'client' | 'server' | null;
  /** The client span's start (else the server's), epoch ms; 0 when the spans did not say. */
  readonly epochMs: number;
  /** The lowest `position` of the edge's spans; 0 when they did not say. */
  readonly position: number;
}

/**
 * Takes the edges a pairer makes, one call each. The edge is the pairer's own object, filled anew for every call:
 * read it during the call, and copy what is kept.
 */
export type EdgeSink = (edge: ServiceGraphEdge) => void;

/** A ServiceGraphEdge whose fields are written in place (the pairer's one edge object, see EdgeSink). */
type ScratchEdge = { -readonly [K in keyof ServiceGraphEdge]: ServiceGraphEdge[K] };

export interface ServiceGraphOptions {
  /** How long a half edge waits for its other side (Tempo's `wait`, default 10 s). */
  readonly waitMs?: number;
  /** Most half edges held at once (Tempo's `max_items`, default 10,000). */
  readonly maxItems?: number;
  /** Span attributes naming a virtual peer, first found wins (Tempo's `peer_attributes`). */
  readonly peerAttributes?: readonly string[];
  /** Attributes that make a client span a database call, first found names it (Tempo's `database_name_attributes`). */
  readonly databaseNameAttributes?: readonly string[];
}

export interface ServiceGraphCounters {
  /** Half edges waiting for their other side now. */
  readonly pending: number;
  /** Edges completed by a span: a client/server pair, or a database call. */
  readonly paired: number;
  /** Edges with a virtual node on one side: a root server span's (made at once), or made at expiry. */
  readonly virtual: number;
  /** Half edges that expired with nothing to name the missing side (Tempo's `expired_edges`), by the kind held. */
  readonly expiredUnpaired: Readonly<Record<'client' | 'server' | 'producer' | 'consumer', number>>;
  /** Half edges expired before their time because `maxItems` was reached (they still go through the expiry rules). */
  readonly evictedEarly: number;
  /** Client, server, producer or consumer spans without a service name, ignored as Tempo ignores them. */
  readonly ignoredSpans: number;
}

/** Tempo's defaults (`defaultPeerAttributes`, `DatabaseNameAttributes` in servicegraphs/config.go). */
export const DEFAULT_PEER_ATTRIBUTES = ['peer.service', 'db.name', 'db.system', 'db.system.name'] as const;
export const DEFAULT_DATABASE_NAME_ATTRIBUTES = ['db.namespace', 'db.name', 'db.system', 'db.system.name'] as const;

/** Names the database rules read beside the configured lists (Tempo's `upsertDatabaseRequest`). */
const PEER_SERVICE = 'peer.service';
const SERVER_ADDRESS = 'server.address';
const PEER_ADDRESS = 'network.peer.address';
const PEER_PORT = 'network.peer.port';

/**
 * Every attribute name pairing with these options reads, each with its index in GraphSpan's `attributeValues`: a
 * caller picks those names out of a span's attributes once, and pairing reads them by index (a record read by a
 * name held in a variable cost a hash lookup each time, a dozen a client span).
 */
export function graphAttributeSlots(options: Pick<ServiceGraphOptions, 'peerAttributes' | 'databaseNameAttributes'> = {}): ReadonlyMap<string, number> {
  const names = [
    ...(options.peerAttributes ?? DEFAULT_PEER_ATTRIBUTES),
    ...(options.databaseNameAttributes ?? DEFAULT_DATABASE_NAME_ATTRIBUTES),
    PEER_SERVICE,
    SERVER_ADDRESS,
    PEER_ADDRESS,
    PEER_PORT,
  ];
  return new Map([...new Set(names)].map((name, i) => [name, i]));
}

const KIND_NAME = {
  [SpanKind.CLIENT]: 'client',
  [SpanKind.SERVER]: 'server',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
} as const;

/**
 * Pairs spans into service-graph edges as Tempo's metrics-generator does (`processor/servicegraphs`): a CLIENT (or
 * PRODUCER) span keyed by (trace id, its span id) meets the SERVER (or CONSUMER) span keyed by (trace id, its parent
 * span id). Half edges wait `waitMs`, then either become an edge with a virtual node or are counted as expired. A root
 * SERVER (or CONSUMER) span, with no parent span id, has no client that could pair with it (a client waits under its
 * own span id): its edge from a virtual "user" (or the peer its attributes name) is made at once, the edge Tempo makes
 * when it expires, with nothing held meanwhile. Unlike Tempo, two root server spans of one trace make two edges.
 * Streaming and pure: time is whatever `nowMs` the caller passes, so it should not go backwards.
 * @example
 * const pairer = new ServiceGraphPairer({ waitMs: 10_000 });
 * const edges = pairer.push(batch, Date.now());   // pairs completed by this batch
 * const late = pairer.expire(Date.now());         // virtual-node edges of half edges that waited too long
 */
export class ServiceGraphPairer {
  private readonly waitMs: number;
  private readonly maxItems: number;
  private readonly slots: ReadonlyMap<string, number>;
  /** The slots of the peer attributes and of the database name attributes, in the order they are tried. */
  private readonly peerSlots: readonly number[];
  private readonly databaseNameSlots: readonly number[];
  private readonly peerServiceSlot: number;
  private readonly serverAddressSlot: number;
  private readonly peerAddressSlot: number;
  private readonly peerPortSlot: number;
  /** Half edges waiting for their other side, by key, oldest first. */
  private readonly pending = new HalfEdgeQueue();
  /** A new half edge is filled here, and copied into `pending` only when it has to wait. */
  private readonly fresh = newHalfEdge();
  /** The edge every sink call is given (see EdgeSink). */
  private readonly edge = newScratchEdge();
  private paired = 0;
  private virtual = 0;
  private evictedEarly = 0;
  private ignoredSpans = 0;
  private readonly expiredUnpaired = { client: 0, server: 0, producer: 0, consumer: 0 };

  constructor(options: ServiceGraphOptions = {}) {
    this.waitMs = options.waitMs ?? 10_000;
    this.maxItems = Math.max(1, options.maxItems ?? 10_000);
    const slots = (this.slots = graphAttributeSlots(options));
    const slot = (name: string) => slots.get(name)!;
    this.peerSlots = (options.peerAttributes ?? DEFAULT_PEER_ATTRIBUTES).map(slot);
    this.databaseNameSlots = (options.databaseNameAttributes ?? DEFAULT_DATABASE_NAME_ATTRIBUTES).map(slot);
    this.peerServiceSlot = slot(PEER_SERVICE);
    this.serverAddressSlot = slot(SERVER_ADDRESS);
    this.peerAddressSlot = slot(PEER_ADDRESS);
    this.peerPortSlot = slot(PEER_PORT);
  }

  /** Takes a batch of spans; returns the edges it completed (and any made by evicting early to stay in bounds). */
  push(spans: Iterable<GraphSpan>, nowMs: number): ServiceGraphEdge[] {
    const out: ServiceGraphEdge[] = [];
    const sink = copyInto(out);
    for (const span of spans) this.pushOne(span, nowMs, sink);
    return out;
  }

  /**
   * Takes one span, giving `out` the edges it completes (see EdgeSink: no object is made per edge). The span is read
   * during the call only, so a caller may pass the same object again and again with new values.
   */
  pushOne(span: GraphSpan, nowMs: number, out: EdgeSink): void {
    const isClient = span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER;
    const isServer = span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER;
    if (!isClient && !isServer) return;
    if (span.service === '') {
      this.ignoredSpans++;
      return;
    }
    const parent = isClient ? span.spanId : (span.parentSpanId ?? '');
    const attrs = span.attributeValues ?? this.valuesOf(span.attributes);
    // A root server span: no client can pair with it (a client waits under its own span id), so holding it for the
    // wait would only delay its "user" edge, and fill the pending map with one half edge per trace.
    if (isServer && parent === '') {
      this.virtual++;
      out(this.userEdge(span, this.peerNode(attrs)));
      return;
    }
    // Keyed by the span id the two halves share (a client without a span id by its trace id): random 64 bits, so no
    // text is made per span. Another trace's half under the same key moves this pair to a key with the trace id in it.
    let key = parent !== '' ? parent : span.traceId;
    let edge = this.pending.get(key);
    if (edge !== undefined && edge.traceId !== span.traceId) {
      key = `${span.traceId}\u0000${parent}`;
      edge = this.pending.get(key);
    }
    const isNew = edge === undefined;
    if (edge === undefined) resetHalfEdge((edge = this.fresh), span.traceId, nowMs + this.waitMs, span.position ?? 0);
    if (isClient) this.updateClient(edge, span, attrs, span.resourceValues ?? this.valuesOf(span.resourceAttributes));
    else this.updateServer(edge, span, attrs);

    if (edge.client !== '' && edge.server !== '') {
      this.paired++;
      out(this.toEdge(edge, null));
      if (!isNew) this.pending.remove(edge);
    } else if (isNew) {
      if (this.pending.size >= this.maxItems) this.evictOldest(out);
      this.pending.add(key, edge);
    }
  }

  /** Ends every half edge whose wait is over at `nowMs`; returns the virtual-node edges they make. */
  expire(nowMs: number): ServiceGraphEdge[] {
    const edges: ServiceGraphEdge[] = [];
    const out = copyInto(edges);
    for (let edge = this.pending.oldest(); edge !== undefined && edge.expiresAtMs <= nowMs; edge = this.pending.oldest()) {
      this.pending.remove(edge);
      this.expireOne(edge, out);
    }
    return edges;
  }

  /**
   * Takes out, unpaired and uncounted, every half edge waiting whose first span came at `position`: spans that turned
   * out never to be kept (an imported batch whose write failed), which no later span may pair with.
   */
  forget(position: number): void {
    for (const edge of this.pending.waiting()) if (edge.position === position) this.pending.remove(edge);
  }

  /** The `position` of the oldest half edge still waiting, or undefined when none waits. */
  oldestPendingPosition(): number | undefined {
    return this.pending.oldest()?.position;
  }

  counters(): ServiceGraphCounters {
    return {
      pending: this.pending.size,
      paired: this.paired,
      virtual: this.virtual,
      expiredUnpaired: { ...this.expiredUnpaired },
      evictedEarly: this.evictedEarly,
      ignoredSpans: this.ignoredSpans,
    };
  }

  private updateClient(edge: HalfEdge, span: GraphSpan, attrs: GraphAttributeValues | undefined, resource: GraphAttributeValues | undefined): void {
    edge.lastKind = span.kind;
    edge.connectionType = span.kind === SpanKind.PRODUCER ? 'messaging_system' : '';
    edge.client = span.service;
    if (span.epochMs !== undefined) edge.epochMs = span.epochMs;
    edge.clientDurationNanos = Math.max(0, span.end - span.start);
    edge.failed ||= span.error;
    this.updatePeerNode(edge, attrs);
    this.updateDatabase(edge, attrs, resource);
  }

  private updateServer(edge: HalfEdge, span: GraphSpan, attrs: GraphAttributeValues | undefined): void {
    edge.lastKind = span.kind;
    edge.connectionType = span.kind === SpanKind.CONSUMER ? 'messaging_system' : '';
    edge.server = span.service;
    if (edge.epochMs === 0 && span.epochMs !== undefined) edge.epochMs = span.epochMs;
    edge.serverDurationNanos = Math.max(0, span.end - span.start);
    edge.failed ||= span.error;
    this.updatePeerNode(edge, attrs);
  }

  private updatePeerNode(edge: HalfEdge, attrs: GraphAttributeValues | undefined): void {
    const peer = this.peerNode(attrs);
    if (peer !== '') edge.peerNode = peer;
  }

  /** The first peer attribute a span has (Tempo's `peer_attributes`), or ''. */
  private peerNode(attrs: GraphAttributeValues | undefined): string {
    if (attrs === undefined) return '';
    for (const slot of this.peerSlots) {
      const value = attrs[slot];
      if (value !== undefined) return value;
    }
    return '';
  }

  /**
   * A client span with a database name attribute is a whole edge by itself (Tempo's `upsertDatabaseRequest`): the
   * server is named by peer.service, else server.address, else network.peer.address[:port], else the database name.
   * The resource's value of a name is read before the span's.
   */
  private updateDatabase(edge: HalfEdge, attrs: GraphAttributeValues | undefined, resource: GraphAttributeValues | undefined): void {
    if (attrs === undefined && resource === undefined) return;
    let dbName: string | undefined;
    for (const slot of this.databaseNameSlots) {
      dbName = lookup(attrs, resource, slot);
      if (dbName !== undefined) break;
    }
    if (dbName === undefined) return;
    edge.connectionType = 'database';
    edge.serverDurationNanos = edge.clientDurationNanos;
    const host = lookup(attrs, resource, this.peerAddressSlot);
    const port = lookup(attrs, resource, this.peerPortSlot);
    edge.server =
      lookup(attrs, resource, this.peerServiceSlot) ??
      lookup(attrs, resource, this.serverAddressSlot) ??
      (host !== undefined ? (port !== undefined ? `${host}:${port}` : host) : dbName);
  }

  /** Attributes given by name, as values by slot (for callers off the ingest path: tests, tools). */
  private valuesOf(attributes: Readonly<Record<string, string>> | undefined): GraphAttributeValues | undefined {
    if (attributes === undefined) return undefined;
    const values = new Array<string | undefined>(this.slots.size).fill(undefined);
    for (const [name, slot] of this.slots) values[slot] = attributes[name];
    return values;
  }

  /** The edge of a root server (or consumer) span: from a virtual client, its peer or "user" (Tempo's `onExpire`). */
  private userEdge(span: GraphSpan, peer: string): ServiceGraphEdge {
    const e = this.edge;
    e.client = peer !== '' ? peer : 'user';
    e.server = span.service;
    e.connectionType = 'virtual_node';
    e.failed = span.error;
    e.clientDurationNanos = 0;
    e.serverDurationNanos = Math.max(0, span.end - span.start);
    e.traceId = span.traceId;
    e.virtualNode = 'client';
    e.epochMs = span.epochMs ?? 0;
    e.position = span.position ?? 0;
    return e;
  }

  private toEdge(half: HalfEdge, virtualNode: 'client' | 'server' | null): ServiceGraphEdge {
    const e = this.edge;
    e.client = half.client;
    e.server = half.server;
    e.connectionType = half.connectionType;
    e.failed = half.failed;
    e.clientDurationNanos = half.clientDurationNanos;
    e.serverDurationNanos = half.serverDurationNanos;
    e.traceId = half.traceId;
    e.virtualNode = virtualNode;
    e.epochMs = half.epochMs;
    e.position = half.position;
    return e;
  }

  private evictOldest(out: EdgeSink): void {
    const oldest = this.pending.oldest();
    if (oldest === undefined) return;
    this.pending.remove(oldest);
    this.evictedEarly++;
    this.expireOne(oldest, out);
  }

  /**
   * Tempo's `onExpire` for what can still wait here: a client span with a peer names its virtual server; a server span
   * with a parent (root ones never wait, see pushOne) and a client span without a peer are counted as expired.
   */
  private expireOne(edge: HalfEdge, out: EdgeSink): void {
    edge.connectionType = 'virtual_node';
    if (edge.client !== '' && edge.server === '' && edge.peerNode !== '') {
      edge.server = edge.peerNode;
      this.virtual++;
      out(this.toEdge(edge, 'server'));
      return;
    }
    const kind = KIND_NAME[edge.lastKind as keyof typeof KIND_NAME];
    this.expiredUnpaired[kind]++;
  }
}

/** The value of a slot: the resource's, else the span's. */
function lookup(attrs: GraphAttributeValues | undefined, resource: GraphAttributeValues | undefined, slot: number): string | undefined {
  return resource?.[slot] ?? attrs?.[slot];
}

/** A sink that keeps a copy of each edge in `out` (for the array-returning calls). */
function copyInto(out: ServiceGraphEdge[]): EdgeSink {
  return (edge) => out.push({ ...edge });
}

function newScratchEdge(): ScratchEdge {
  return {
    client: '',
    server: '',
    connectionType: '',
    failed: false,
    clientDurationNanos: 0,
    serverDurationNanos: 0,
    traceId: '',
    virtualNode: null,
    epochMs: 0,
    position: 0,
  };
}
