import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// jaeger-client is CommonJS without types; its senders are not exported from the package's index.
const jaeger = require('jaeger-client') as any;
const UDPSender = require('jaeger-client/dist/src/reporters/udp_sender.js').default as new (opts: object) => any;
const HTTPSender = require('jaeger-client/dist/src/reporters/http_sender.js').default as new (opts: object) => any;
const ThriftUtils = require('jaeger-client/dist/src/thrift.js').default as { spanToThrift(span: unknown): any; getThriftTags(tags: unknown): any[] };

/** A tag or log field as jaeger-client sent it, in the terms of Jaeger's JSON API. */
export interface SentTag {
  readonly key: string;
  readonly type: 'string' | 'bool' | 'float64' | 'binary';
  readonly value: string | boolean | number;
}

/** A span as jaeger-client encoded it (ThriftUtils.spanToThrift, what its senders write), ids as hex. */
export interface SentSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' when the span has no parent. */
  readonly parentSpanId: string;
  readonly operationName: string;
  readonly references: ReadonlyArray<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceId: string; spanId: string }>;
  readonly flags: number;
  readonly startTime: number;
  readonly duration: number;
  readonly tags: readonly SentTag[];
  readonly logs: ReadonlyArray<{ timestamp: number; fields: readonly SentTag[] }>;
}

export interface JaegerClient {
  /** An opentracing Tracer of jaeger-client. */
  readonly tracer: any;
  readonly serviceName: string;
  /** The tracer's process tags (jaeger.version, hostname, ip, client-uuid and any given), as sent. */
  readonly processTags: readonly SentTag[];
  /** Every finished span, as it was encoded for sending. */
  readonly sent: SentSpan[];
  /** Errors the client's reporter logged (a refused HTTP post, an oversized datagram). */
  readonly errors: string[];
  /** Flushes what is buffered and closes the sender. */
  close(): Promise<void>;
}

/**
 * The real jaeger-client tracer (a ConstSampler that keeps everything, a RemoteReporter) over its UDPSender (agent
 * binary Thrift, the Node client's only UDP protocol) or its HTTPSender (collector /api/traces). Finished spans are
 * also kept as the client encoded them, the oracle of what Clew must give back.
 */
export function jaegerClient(serviceName: string, sender: { udp: string } | { http: string }, tags: Record<string, unknown> = {}): JaegerClient {
  const errors: string[] = [];
  const logger = { info: () => undefined, error: (msg: string) => errors.push(String(msg)) };
  let transport: any;
  if ('udp' in sender) {
    const [host, port] = splitHostPort(sender.udp);
    transport = new UDPSender({ host, port, logger });
  } else {
    transport = new HTTPSender({ endpoint: `${sender.http}/api/traces`, logger });
  }
  const sent: SentSpan[] = [];
  const remote = new jaeger.RemoteReporter(transport, { logger, bufferFlushInterval: 3_600_000 });
  const keep = { report: (span: unknown) => sent.push(toSent(ThriftUtils.spanToThrift(span))), close: (cb?: () => void) => cb?.(), setProcess: () => undefined };
  const reporter = new jaeger.CompositeReporter([keep, remote]);
  const tracer = new jaeger.Tracer(serviceName, reporter, new jaeger.ConstSampler(true), { logger, tags, traceId128bit: true });
  return {
    tracer,
    serviceName,
    // What the senders' convertProcessToThrift writes.
    processTags: ThriftUtils.getThriftTags(tracer._process.tags).map(sentTag),
    sent,
    errors,
    close: () => new Promise<void>((resolve) => tracer.close(() => resolve())),
  };
}

/** An opentracing FOLLOWS_FROM reference, for startSpan's `references`. */
export function followsFrom(context: unknown): unknown {
  return jaeger.opentracing.followsFrom(context);
}

/** Sends one datagram to a host:port (an agent port) and resolves once it is handed to the kernel. */
export function sendDatagram(address: string, datagram: Uint8Array): Promise<void> {
  const [host, port] = splitHostPort(address);
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) =>
    socket.send(datagram, port, host, (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    }),
  );
}

function splitHostPort(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i).replace(/^\[|\]$/g, ''), Number(hostPort.slice(i + 1))];
}

const hex = (b: Buffer | undefined): string => (b === undefined ? '' : b.toString('hex'));
const i64 = (b: Buffer): number => Number(b.readBigInt64BE(0));

function toSent(t: any): SentSpan {
  const parent = hex(t.parentSpanId);
  return {
    traceId: hex(t.traceIdHigh) + hex(t.traceIdLow),
    spanId: hex(t.spanId),
    parentSpanId: /^0*$/.test(parent) ? '' : parent,
    operationName: t.operationName,
    references: (t.references ?? []).map((r: any) => ({
      refType: r.refType,
      traceId: hex(r.traceIdHigh) + hex(r.traceIdLow),
      spanId: hex(r.spanId),
    })),
    flags: t.flags,
    startTime: i64(t.startTime),
    duration: i64(t.duration),
    tags: t.tags.map(sentTag),
    logs: t.logs.map((l: any) => ({ timestamp: i64(l.timestamp), fields: l.fields.map(sentTag) })),
  };
}

function sentTag(t: any): SentTag {
  // thriftrw's enum values are the names. The Node client never sends LONG: numbers go as DOUBLE.
  switch (t.vType) {
    case 'DOUBLE':
      return { key: t.key, type: 'float64', value: t.vDouble };
    case 'BOOL':
      return { key: t.key, type: 'bool', value: t.vBool };
    case 'BINARY':
      return { key: t.key, type: 'binary', value: Buffer.from(t.vBinary).toString('base64') };
    default:
      return { key: t.key, type: 'string', value: t.vStr };
  }
}
