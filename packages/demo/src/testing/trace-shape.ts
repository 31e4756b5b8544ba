// Reading a trace as the Jaeger API returns it, by the questions the demo's tests ask: which service a span belongs
// to, its kind, its parent and children across process boundaries, its links.
import { getJson } from '@clew/testing/clew-process';

export interface JaegerTag {
  key: string;
  type: string;
  value: unknown;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }>;
  /** microseconds */
  startTime: number;
  /** microseconds */
  duration: number;
  tags: JaegerTag[];
  logs: Array<{ timestamp: number; fields: JaegerTag[] }>;
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** A span with its trace at hand. */
export class TraceShape {
  private readonly byId = new Map<string, JaegerSpan>();

  constructor(readonly trace: JaegerTrace) {
    for (const s of trace.spans) this.byId.set(s.spanID, s);
  }

  get spans(): JaegerSpan[] {
    return this.trace.spans;
  }

  service(s: JaegerSpan): string {
    return this.trace.processes[s.processID]!.serviceName;
  }

  tag(s: JaegerSpan, key: string): unknown {
    return s.tags.find((t) => t.key === key)?.value;
  }

  kind(s: JaegerSpan): string | undefined {
    return this.tag(s, 'span.kind') as string | undefined;
  }

  isError(s: JaegerSpan): boolean {
    return this.tag(s, 'error') === true;
  }

  /**
   * The span's parent as Jaeger UI draws it: its first reference. The OpenTelemetry → Jaeger mapping makes that
   * FOLLOWS_FROM when a link restates the parent, as a messaging consumer's does.
   */
  parent(s: JaegerSpan): JaegerSpan | undefined {
    const ref = s.references[0];
    return ref && this.byId.get(ref.spanID);
  }

  /** Every span's referenced parent is in the trace: nothing is still on its way from a service's exporter. */
  complete(): boolean {
    return this.spans.every((s) => s.references.length === 0 || this.parent(s) !== undefined);
  }

  children(s: JaegerSpan): JaegerSpan[] {
    return this.spans.filter((c) => this.parent(c) === s).sort((a, b) => a.startTime - b.startTime);
  }

  links(s: JaegerSpan): string[] {
    return s.references.filter((r) => r.refType === 'FOLLOWS_FROM').map((r) => r.spanID);
  }

  /** Spans matching every given field, in start order. */
  find(where: { service?: string; kind?: string; name?: string | RegExp }): JaegerSpan[] {
    return this.spans
      .filter(
        (s) =>
          (where.service === undefined || this.service(s) === where.service) &&
          (where.kind === undefined || this.kind(s) === where.kind) &&
          (where.name === undefined ||
            (typeof where.name === 'string' ? s.operationName === where.name : where.name.test(s.operationName))),
      )
      .sort((a, b) => a.startTime - b.startTime);
  }

  /** Spans with no parent in the trace. */
  roots(): JaegerSpan[] {
    return this.spans.filter((s) => !this.parent(s));
  }

  services(): Set<string> {
    return new Set(this.spans.map((s) => this.service(s)));
  }

  /** Server spans of `service` whose parent is a client span in another service: the hops into it. */
  callsInto(service: string): Array<{ client: JaegerSpan; server: JaegerSpan }> {
    return this.find({ service, kind: 'server' }).flatMap((server) => {
      const client = this.parent(server);
      return client && this.kind(client) === 'client' && this.service(client) !== service ? [{ client, server }] : [];
    });
  }
}

/**
 * Polls Clew's Jaeger API for a trace until it is complete and `ready` holds (the services export on their own
 * schedules, so a trace fills in over a moment), then returns it.
 */
export async function traceWhen(query: string, traceId: string, ready: (t: TraceShape) => boolean, timeoutMs = 30_000): Promise<TraceShape> {
  const deadline = Date.now() + timeoutMs;
  let last: TraceShape | undefined;
  for (;;) {
    const res = await getJson<{ data?: JaegerTrace[] }>(`${query}/api/traces/${traceId}`);
    const t = res.body?.data?.[0];
    if (res.status === 200 && t) {
      last = new TraceShape(t);
      if (last.complete() && ready(last)) return last;
    }
    if (Date.now() > deadline) {
      const seen = last?.spans.map((s) => `${last!.service(s)}:${s.operationName}`).join(', ') ?? `status ${res.status}`;
      throw new Error(`trace ${traceId} did not take the expected shape; it has: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The trace id a shop response names in its W3C `traceresponse` header. */
export function traceIdOf(res: Response): string {
  const header = res.headers.get('traceresponse');
  const id = header?.split('-')[1];
  if (!id) throw new Error(`no traceresponse header in the answer (${res.status} ${res.url})`);
  return id;
}

/** A span as Clew's api_v3 returns it (OTLP JSON, every field as sent). */
export interface OtlpJsonSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  links?: Array<{ traceId: string; spanId: string }>;
}

/** One span of a trace read through Jaeger's api_v3, which keeps the parent and the links apart. */
export async function otlpSpan(query: string, traceId: string, spanId: string): Promise<OtlpJsonSpan | undefined> {
  const res = await getJson<{ result?: { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpJsonSpan[] }> }> } }>(
    `${query}/api/v3/traces/${traceId}`,
  );
  return res.body.result?.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).find((s) => s.spanId === spanId);
}
