import type { EventEmitter } from 'node:events';
import { Annotation, BatchRecorder, ExplicitContext, InetAddress, jsonEncoder, Tracer } from 'zipkin';
import type { model } from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';

// zipkin-transport-http's index.d.ts leaves out what its src/HttpLogger.js has: the logger is an EventEmitter
// ('success' with the response, 'error'), and processQueue posts what is queued with the fetch it is given.
declare module 'zipkin-transport-http' {
  interface HttpLogger extends EventEmitter {
    processQueue(fetchImpl: (url: string, init: { method: string; body: string; headers: Record<string, string> }) => Promise<Response>): void;
  }
}

/**
 * Reads a trace through Clew's Zipkin API once it holds `spans` spans (spans reach the store a moment after the
 * 202), polling briefly.
 */
export async function waitForZipkinTrace(zipkin: string, traceId: string, spans: number, timeoutMs = 15_000): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A 404 ("<id> not found") is plain text, as Zipkin's.
    const res = await fetch(`${zipkin}/api/v2/trace/${traceId}`);
    const text = await res.text();
    if (res.status === 200 && (JSON.parse(text) as unknown[]).length === spans) return JSON.parse(text) as any[];
    if (Date.now() > deadline) throw new Error(`trace ${traceId} did not reach ${spans} spans: ${text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ZipkinJsClient {
  readonly tracer: Tracer;
  /** Each span the client reported, as zipkin-js's own JSON v2 encoder writes it. */
  readonly reportedV2: any[];
  /** The spans of every body the client posted, as sent (v1 or v2 JSON). */
  readonly posted: any[];
  /** Sends what is queued; resolves with the HTTP status Clew answered. */
  flush(): Promise<number>;
}

/**
 * The real zipkin-js client: a Tracer with a BatchRecorder over zipkin-transport-http's HttpLogger, posting JSON v2
 * to /api/v2/spans or JSON v1 to /api/v1/spans. Every span it logs is also kept in its v2 encoding, the oracle of
 * what Clew must give back.
 */
export function zipkinJsClient(zipkin: string, service: string, version: 'v1' | 'v2'): ZipkinJsClient {
  const logger = new HttpLogger({
    endpoint: `${zipkin}/api/${version}/spans`,
    jsonEncoder: version === 'v1' ? jsonEncoder.JSON_V1 : jsonEncoder.JSON_V2,
    httpInterval: 3_600_000, // flushed by the test
  });
  const posted: any[] = [];
  const reportedV2: any[] = [];
  const logSpan = logger.logSpan.bind(logger);
  logger.logSpan = (span: model.Span) => {
    reportedV2.push(JSON.parse(jsonEncoder.JSON_V2.encode(span)));
    logSpan(span);
  };
  const recorder = new BatchRecorder({ logger });
  const tracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder, localServiceName: service, traceId128Bit: true });
  return {
    tracer,
    reportedV2,
    posted,
    flush: () =>
      new Promise<number>((resolve, reject) => {
        logger.once('success', (res: Response) => resolve(res.status));
        logger.once('error', reject);
        recorder.flush();
        logger.processQueue((url, init) => {
          posted.push(...(JSON.parse(init.body) as any[]));
          return fetch(url, init);
        });
      }),
  };
}

/**
 * A server span handling GET /cart that calls the `inventory` service (a client child with an error) and does a
 * local step: the shapes Zipkin instrumentation produces, for `service`. Returns the trace id.
 */
export function recordCartTrace(tracer: Tracer, service: string): string {
  const t0 = Date.now() * 1000;
  const rootId = tracer.createRootId();
  tracer.letId(rootId, () => {
    // As Zipkin instrumentation does: the service name is recorded on each span.
    tracer.recordServiceName(service);
    tracer.recordRpc('get /cart');
    tracer.recordAnnotation(new Annotation.ServerRecv(), t0);
    tracer.recordAnnotation(new Annotation.LocalAddr({ host: new InetAddress('10.0.0.7'), port: 8080 }), t0);
    tracer.recordBinary('http.path', '/cart');
    tracer.recordAnnotation(new Annotation.ClientAddr({ host: new InetAddress('192.168.1.20'), port: 51234 }), t0);
  });
  const clientId = tracer.createChildId(rootId);
  tracer.letId(clientId, () => {
    tracer.recordServiceName(service);
    tracer.recordRpc('get stock');
    tracer.recordAnnotation(new Annotation.ClientSend(), t0 + 100);
    tracer.recordAnnotation(new Annotation.ServerAddr({ serviceName: 'inventory', host: new InetAddress('10.0.0.9'), port: 9000 }), t0 + 100);
    tracer.recordAnnotation(new Annotation.Message('retrying'), t0 + 300);
    tracer.recordBinary('error', 'inventory timed out');
    tracer.recordAnnotation(new Annotation.ClientRecv(), t0 + 900);
  });
  const localId = tracer.createChildId(rootId);
  tracer.letId(localId, () => {
    tracer.recordServiceName(service);
    tracer.recordAnnotation(new Annotation.LocalOperationStart('render'), t0 + 950);
    tracer.recordAnnotation(new Annotation.LocalOperationStop(), t0 + 990);
  });
  tracer.letId(rootId, () => tracer.recordAnnotation(new Annotation.ServerSend(), t0 + 1000));
  return rootId.traceId;
}
