import { SpanKind } from '@clew/model';
import type { ConnectionType } from './service-graph.js';

/** A client or server half of a service-graph edge, waiting for its other half (ServiceGraphPairer). */
export interface HalfEdge {
  expiresAtMs: number;
  traceId: string;
  connectionType: ConnectionType;
  client: string;
  server: string;
  clientDurationNanos: number;
  serverDurationNanos: number;
  failed: boolean;
  peerNode: string;
  lastKind: SpanKind;
  epochMs: number;
  position: number;
  /** Its key in the queue's index, and whether it has left the queue (paired or taken). */
  key: string;
  done: boolean;
  /** Its place in the queue's pool; -1 for one outside it. */
  readonly at: number;
}

export function newHalfEdge(at = -1): HalfEdge {
  return {
    at,
    expiresAtMs: 0,
    traceId: '',
    connectionType: '',
    client: '',
    server: '',
    clientDurationNanos: 0,
    serverDurationNanos: 0,
    failed: false,
    peerNode: '',
    lastKind: SpanKind.UNSPECIFIED,
    epochMs: 0,
    position: 0,
    key: '',
    done: true,
  };
}

/** Makes `edge` a fresh half edge of a trace, as newHalfEdge() with these values would be. */
export function resetHalfEdge(edge: HalfEdge, traceId: string, expiresAtMs: number, position: number): void {
  edge.expiresAtMs = expiresAtMs;
  edge.traceId = traceId;
  edge.connectionType = '';
  edge.client = '';
  edge.server = '';
  edge.clientDurationNanos = 0;
  edge.serverDurationNanos = 0;
  edge.failed = false;
  edge.peerNode = '';
  edge.lastKind = SpanKind.UNSPECIFIED;
  edge.epochMs = 0;
  edge.position = position;
  edge.key = '';
  edge.done = false;
}

function copyHalfEdge(to: HalfEdge, from: HalfEdge): void {
  to.expiresAtMs = from.expiresAtMs;
  to.traceId = from.traceId;
  to.connectionType = from.connectionType;
  to.client = from.client;
  to.server = from.server;
  to.clientDurationNanos = from.clientDurationNanos;
  to.serverDurationNanos = from.serverDurationNanos;
  to.failed = from.failed;
  to.peerNode = from.peerNode;
  to.lastKind = from.lastKind;
  to.epochMs = from.epochMs;
  to.position = from.position;
}

/**
 * Hash of an id's last eight characters: span ids are random hex, so those hold 32 random bits; any other text
 * (a composite key, a test's "B") still hashes, only less evenly.
 */
function idHash(id: string): number {
  let h = id.length;
  for (let i = Math.max(0, id.length - 8); i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x5bd1e995);
  return (h ^ (h >>> 15)) | 0;
}

/**
 * Half edges by key, in arrival order (which is expiry order, since every one waits the same time). The pairer's
 * hottest structure: under load every client and server span looks a key up, most add or remove one, and the oldest
 * is evicted for each new one once the queue is full. A Map of new objects cost a rehash of the whole table every few
 * thousand insertions (deletions leave holes that only a rehash reclaims), an object per half edge for the collector,
 * and a queue of them beside it. Here the half edges are objects reused from a pool, kept in arrival order by a list
 * linked through typed arrays (so one leaves from anywhere at once), and indexed by open addressing over typed arrays
 * (linear probing, deletion by shifting back, so no holes).
 */
export class HalfEdgeQueue {
  /** The pool: edges[i] is waiting when it is in the list, else free (on the `free` stack). */
  private edges: HalfEdge[] = [];
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  private free: number[] = [];
  /** The oldest and newest waiting, as pool indices; -1 when none waits. */
  private first = -1;
  private last = -1;
  /** The index: pool index + 1 (0 = empty slot), and each slot's key hash. */
  private slots = new Int32Array(0);
  private hashes = new Int32Array(0);
  private slotMask = -1;
  private live = 0;

  /** Half edges waiting now. */
  get size(): number {
    return this.live;
  }

  get(key: string): HalfEdge | undefined {
    if (this.live === 0) return undefined;
    const hash = idHash(key);
    const { slots, hashes, slotMask, edges } = this;
    for (let i = hash & slotMask; slots[i] !== 0; i = (i + 1) & slotMask) {
      if (hashes[i] === hash) {
        const edge = edges[slots[i]! - 1]!;
        if (edge.key === key) return edge;
      }
    }
    return undefined;
  }

  /** Adds a copy of `edge` under `key` (which no waiting half edge has) as the newest. */
  add(key: string, edge: HalfEdge): void {
    if (this.free.length === 0) this.growPool();
    if ((this.live + 1) * 2 > this.slotMask + 1) this.reindex(Math.max(2048, (this.slotMask + 1) * 2));
    const at = this.free.pop()!;
    const kept = this.edges[at]!;
    copyHalfEdge(kept, edge);
    kept.key = key;
    kept.done = false;
    this.prev[at] = this.last;
    this.next[at] = -1;
    if (this.last >= 0) this.next[this.last] = at;
    else this.first = at;
    this.last = at;
    this.insert(idHash(key), at + 1);
    this.live++;
  }

  /** Takes a waiting half edge out (paired, say). Its object goes back to the pool: read it before the next add. */
  remove(edge: HalfEdge): void {
    const at = edge.at;
    const { slots, slotMask } = this;
    if (at < 0 || edge.done || this.edges[at] !== edge) throw new Error(`half edge ${edge.key} is not waiting in the queue`);
    let i = idHash(edge.key) & slotMask;
    while (slots[i] !== at + 1) i = (i + 1) & slotMask;
    this.deleteSlot(i);
    const p = this.prev[at]!;
    const n = this.next[at]!;
    if (p >= 0) this.next[p] = n;
    else this.first = n;
    if (n >= 0) this.prev[n] = p;
    else this.last = p;
    edge.done = true;
    this.free.push(at);
    this.live--;
  }

  /** Every half edge waiting, oldest first (a copy of the list: removing them as it is walked is fine). */
  waiting(): HalfEdge[] {
    const out: HalfEdge[] = [];
    for (let at = this.first; at >= 0; at = this.next[at]!) out.push(this.edges[at]!);
    return out;
  }

  /** The oldest half edge still waiting. */
  oldest(): HalfEdge | undefined {
    return this.first >= 0 ? this.edges[this.first] : undefined;
  }

  private insert(hash: number, value: number): void {
    const { slots, hashes, slotMask } = this;
    let i = hash & slotMask;
    while (slots[i] !== 0) i = (i + 1) & slotMask;
    slots[i] = value;
    hashes[i] = hash;
  }

  /** Empties slot i, moving later entries of its probe run back so that no lookup meets a hole before its entry. */
  private deleteSlot(i: number): void {
    const { slots, hashes, slotMask } = this;
    let hole = i;
    for (let j = (i + 1) & slotMask; slots[j] !== 0; j = (j + 1) & slotMask) {
      const home = hashes[j]! & slotMask;
      // j's entry may move to the hole when its home is not in (hole, j] (cyclically).
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        slots[hole] = slots[j]!;
        hashes[hole] = hashes[j]!;
        hole = j;
      }
    }
    slots[hole] = 0;
  }

  /** Doubles the pool (it only grows while more half edges wait at once than ever before). */
  private growPool(): void {
    const size = this.edges.length;
    const grown = Math.max(1024, size * 2);
    const next = new Int32Array(grown);
    const prev = new Int32Array(grown);
    next.set(this.next);
    prev.set(this.prev);
    this.next = next;
    this.prev = prev;
    for (let at = size; at < grown; at++) this.edges.push(newHalfEdge(at));
    for (let at = grown - 1; at >= size; at--) this.free.push(at);
  }

  private reindex(size: number): void {
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    this.slotMask = size - 1;
    for (let at = this.first; at >= 0; at = this.next[at]!) this.insert(idHash(this.edges[at]!.key), at + 1);
  }
}
