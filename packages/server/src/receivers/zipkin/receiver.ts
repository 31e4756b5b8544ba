import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import type { Metrics } from '../../observability/metrics.js';
import type { IngestPipeline } from '../../pipeline/ingest.js';
import { receive } from '../decode-payload.js';
import { PayloadFormat } from '../../wal/record.js';
import { setUpHttpReceiver } from '../http-receiver.js';
import { decodeBody } from '../otlp-http/body.js';

export interface ZipkinReceiverOptions {
  readonly pipeline: IngestPipeline;
  readonly metrics: Metrics;
  readonly maxRequestBytes: number;
}

const PROTOCOL = 'zipkin';

/**
 * Zipkin's span collector (zipkin-server's ZipkinHttpCollector): `POST /api/v2/spans` with JSON v2, or proto3 when
 * the Content-Type says protobuf, and `POST /api/v1/spans` with JSON v1; gzip or not. Answers 202 with no body once
 * the spans are durable, as Zipkin does; errors are plain text saying what was wrong, as Zipkin's are. Spans with
 * unusable ids are dropped one by one (counted in clew_spans_refused_total): Zipkin has no partial-success reply.
 * An encapsulated fastify plugin: its body parser and error handler cover these routes only.
 */
export async function zipkinReceiver(app: FastifyInstance, opts: ZipkinReceiverOptions): Promise<void> {
  setUpHttpReceiver(app, { protocol: PROTOCOL, metrics: opts.metrics, maxRequestBytes: opts.maxRequestBytes, sendError: (reply, _req, err) => sendError(reply, err) });

  const accept = async (format: PayloadFormat, req: FastifyRequest, reply: FastifyReply) => {
    const raw = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
    const payload = await decodeBody(raw, req.headers['content-encoding'], opts.maxRequestBytes);
    const result = await opts.pipeline.ingest(receive(PROTOCOL, format, payload, req.tenant));
    opts.metrics.spansAccepted.inc({ protocol: PROTOCOL }, result.accepted);
    return reply.code(202).send();
  };

  app.post('/api/v2/spans', async (req, reply) =>
    accept(isProtobuf(req.headers['content-type']) ? PayloadFormat.ZIPKIN_PROTO : PayloadFormat.ZIPKIN_JSON, req, reply),
  );
  app.post('/api/v1/spans', async (req, reply) => {
    if (mediaType(req.headers['content-type']) === 'application/x-thrift') {
      throw new ClewError('UNSUPPORTED_MEDIA_TYPE', 'Zipkin v1 Thrift is not supported; send Zipkin v1 JSON here, or v2 JSON or proto3 to /api/v2/spans');
    }
    return accept(PayloadFormat.ZIPKIN_V1_JSON, req, reply);
  });
}

/** Zipkin reads proto3 when the Content-Type says protobuf and JSON otherwise (clients often send none). */
function isProtobuf(contentType: string | undefined): boolean {
  const media = mediaType(contentType);
  return media === 'application/x-protobuf' || media === 'application/protobuf';
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function sendError(reply: FastifyReply, err: ClewError) {
  reply.code(err.httpStatus);
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.header('content-type', 'text/plain; charset=utf-8').send(err.message);
}
