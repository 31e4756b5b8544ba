import { encodeOtlpProto } from '@clew/codecs';
import type { Span, Tenant, TraceId } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { Logger } from 'pino';
import type { Metrics } from '../../observability/metrics.js';
import { parseConfigDuration } from '../../config/duration.js';
import type { PeersConfig } from './config.js';
import { HashRing } from './ring.js';

/** Marks a request a peer forwarded: its spans stay where they land (never forwarded again, replay included). */
export const FORWARDED_HEADER = 'x-clew-forwarded';

/** What the store writer asks of forwarding: the spans to keep here, once the others are safe with their owners. */
export interface SpanRouter {
  route(tenant: Tenant, spans: readonly Span[]): Promise<readonly Span[]>;
}

/** One POST; resolves with the HTTP status, rejects when no answer came (refused connection, timeout). */
export type SendRequest = (url: string, headers: Record<string, string>, body: Uint8Array, timeoutMs: number) => Promise<number>;

export interface PeerForwarderOptions {
  readonly self: string;
  readonly members: readonly string[];
  /** An admin token (tenants `*`) when auth is on; then each request names its tenant in X-Scope-OrgID. */
  readonly token?: string | undefined;
  readonly timeoutMs: number;
  readonly retryForMs: number;
  readonly probeIntervalMs: number;
  /** Spans per forwarded request, under the peers' limits.maxRequestBytes (~450 B a span). */
  readonly maxSpansPerRequest?: number;
  /** Waits between tries of one request, the last repeating; tests shorten them. */
  readonly backoffMs?: readonly number[];
  readonly send?: SendRequest;
}

const BACKOFF_MS = [100, 200, 400, 800, 1600];
const MAX_SPANS_PER_REQUEST = 5_000;

const sendWithFetch: SendRequest = async (url, headers, body, timeoutMs) => {
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  return res.status;
};

/** A refusal another try may get past: the peer is busy (429, 503), shutting down, or failed (5xx); 4xx else is final. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

interface Route {
  /** The trace's owner on the whole ring. */
  readonly owner: string;
  /** Where its spans go now: the owner, or the next live member while the owner is down. */
  readonly to: string;
}

/**
 * Sends the spans of traces another collector owns to that owner over OTLP/HTTP protobuf, as the OpenTelemetry
 * Collector's load-balancing exporter routes by trace id, so each trace's tail sampling decision sees all its spans.
 * `route` resolves only once every forwarded span is acknowledged (the owner logged it), so the store writer records
 * no log position past a span not yet safe somewhere. A peer that refuses or does not answer is retried with backoff
 * for `retryForMs`, then marked down and its traces go to the next live member on the ring (this collector at
 * worst, which is always live); a peer marked down is probed every `probeIntervalMs` and used again once it answers.
 */
export class PeerForwarder implements SpanRouter {
  private readonly ring: HashRing;
  private readonly down = new Set<string>();
  private readonly send: SendRequest;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly isLive = (member: string) => member === this.opts.self || !this.down.has(member);

  constructor(
    private readonly opts: PeerForwarderOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.ring = new HashRing(opts.members);
    this.send = opts.send ?? sendWithFetch;
    for (const m of this.ring.members) metrics.tailPeerUp.set({ peer: this.label(m) }, 1);
  }

  /** Starts probing peers marked down. */
  start(): void {
    this.probeTimer ??= setInterval(() => void this.probe(), this.opts.probeIntervalMs);
    this.probeTimer.unref();
  }

  stop(): void {
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  /** Peers marked down now. */
  get downPeers(): readonly string[] {
    return [...this.down];
  }

  /**
   * Keeps the spans this collector owns (or takes for an owner that is down), sends the others to their owners, and
   * resolves with those to keep here once every other span is acknowledged by the collector that took it.
   */
  async route(tenant: Tenant, spans: readonly Span[]): Promise<readonly Span[]> {
    const { self } = this.opts;
    const routes = new Map<TraceId, Route>();
    const local: Span[] = [];
    const out = new Map<string, Span[]>();
    let reroutedHere = 0;
    for (const s of spans) {
      let r = routes.get(s.traceId);
      if (r === undefined) {
        const owner = this.ring.ownerOf(s.traceId)!;
        r = { owner, to: this.isLive(owner) ? owner : this.ring.ownerOf(s.traceId, this.isLive)! };
        routes.set(s.traceId, r);
      }
      if (r.to === self) {
        local.push(s);
        if (r.owner !== self) reroutedHere++;
      } else {
        const list = out.get(r.to);
        if (list === undefined) out.set(r.to, [s]);
        else list.push(s);
      }
    }
    if (reroutedHere > 0) this.metrics.tailForwardedSpans.inc({ peer: 'self', outcome: 'rerouted' }, reroutedHere);
    if (out.size === 0) return local;
    const taken = await Promise.all([...out].map(([peer, list]) => this.sendTo(tenant, peer, list, routes)));
    return local.concat(...taken);
  }

  /**
   * Sends spans to one peer in requests of bounded size, halving a request the peer finds too large (a tenant's own
   * maxRequestBytes there may be small); what it does not take is routed again without it.
   */
  private async sendTo(tenant: Tenant, peer: string, spans: readonly Span[], routes: ReadonlyMap<TraceId, Route>): Promise<readonly Span[]> {
    const size = this.opts.maxSpansPerRequest ?? MAX_SPANS_PER_REQUEST;
    // A stack: the last element is the next to send, so spans go in order.
    const chunks: Array<readonly Span[]> = [];
    for (let from = 0; from < spans.length; from += size) chunks.push(spans.slice(from, from + size));
    chunks.reverse();
    for (let chunk = chunks.pop(); chunk !== undefined; chunk = chunks.pop()) {
      const outcome = await this.deliver(tenant, peer, chunk);
      if (outcome === 'too_large' && chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        chunks.push(chunk.slice(half), chunk.slice(0, half));
        continue;
      }
      if (outcome === 'taken') {
        const rerouted = chunk.reduce((n, s) => (routes.get(s.traceId)!.owner === peer ? n : n + 1), 0);
        if (chunk.length > rerouted) this.metrics.tailForwardedSpans.inc({ peer, outcome: 'forwarded' }, chunk.length - rerouted);
        if (rerouted > 0) this.metrics.tailForwardedSpans.inc({ peer, outcome: 'rerouted' }, rerouted);
        continue;
      }
      const left = [chunk, ...chunks.reverse()].flat();
      this.metrics.tailForwardedSpans.inc({ peer, outcome: 'failed' }, left.length);
      this.markDown(peer);
      // The peer is passed over now: its traces go to the next live member (this collector at worst).
      return this.route(tenant, left);
    }
    return [];
  }

  /** One request, retried with backoff for retryForMs while a retry may help. */
  private async deliver(tenant: Tenant, peer: string, spans: readonly Span[]): Promise<'taken' | 'too_large' | 'failed'> {
    const body = encodeOtlpProto(spans);
    const waits = this.opts.backoffMs ?? BACKOFF_MS;
    const giveUpAt = Date.now() + this.opts.retryForMs;
    for (let attempt = 0; ; attempt++) {
      let why: unknown;
      try {
        const status = await this.send(`${peer}/v1/traces`, this.headers(tenant), body, this.opts.timeoutMs);
        if (status >= 200 && status < 300) return 'taken';
        if (status === 413 && spans.length > 1) return 'too_large';
        why = `HTTP ${status}`;
        if (!retryable(status)) {
          this.log.error({ peer, status, spans: spans.length }, 'a tail sampling peer refused forwarded spans for good (check peers.token and its auth); routing its traces to the next member');
          return 'failed';
        }
      } catch (err) {
        why = err;
      }
      const wait = waits[Math.min(attempt, waits.length - 1)]!;
      if (Date.now() + wait > giveUpAt) {
        this.log.warn({ peer, err: why, attempts: attempt + 1, spans: spans.length }, 'a tail sampling peer did not take forwarded spans; routing its traces to the next member');
        return 'failed';
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private headers(tenant: Tenant): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/x-protobuf', [FORWARDED_HEADER]: '1' };
    if (this.opts.token !== undefined) {
      h.authorization = `Bearer ${this.opts.token}`;
      h['x-scope-orgid'] = tenant;
    }
    return h;
  }

  private markDown(peer: string): void {
    if (this.down.has(peer)) return;
    this.down.add(peer);
    this.metrics.tailPeerUp.set({ peer }, 0);
    this.log.warn({ peer, probeEveryMs: this.opts.probeIntervalMs }, 'tail sampling peer marked down; its traces go to the next live member until it answers again');
  }

  /** Sends each peer marked down an empty export; one that takes it is used again. */
  private async probe(): Promise<void> {
    await Promise.all(
      [...this.down].map(async (peer) => {
        try {
          const status = await this.send(`${peer}/v1/traces`, this.headers(DEFAULT_TENANT), new Uint8Array(0), this.opts.timeoutMs);
          if (status < 200 || status >= 300) return;
        } catch {
          return;
        }
        this.down.delete(peer);
        this.metrics.tailPeerUp.set({ peer }, 1);
        this.log.info({ peer }, 'tail sampling peer answers again; forwarding its traces to it');
      }),
    );
  }

  private label(member: string): string {
    return member === this.opts.self ? 'self' : member;
  }
}

/**
 * The forwarder `pipeline.tailSampling.peers` describes; undefined without peers (one collector: nothing forwarded).
 * @example buildForwarder(config.pipeline.tailSampling.peers, metrics, log)?.start()
 */
export function buildForwarder(peers: PeersConfig | undefined, metrics: Metrics, log: Logger): PeerForwarder | undefined {
  if (peers === undefined) return undefined;
  const ms = (d: string) => parseConfigDuration(d)!;
  return new PeerForwarder(
    {
      self: peers.self,
      members: peers.members,
      token: peers.token,
      timeoutMs: ms(peers.timeout),
      retryForMs: ms(peers.retryFor),
      probeIntervalMs: ms(peers.probeInterval),
    },
    metrics,
    log,
  );
}
