import type { FastifyInstance, FastifyReply } from 'fastify';
import { ClewError } from '../../errors.js';
import type { Metrics } from '../../observability/metrics.js';
import type { IngestPipeline } from '../../pipeline/ingest.js';
import { receive } from '../decode-payload.js';
import { PayloadFormat } from '../../wal/record.js';
import { setUpHttpReceiver } from '../http-receiver.js';
import { decodeBody } from '../otlp-http/body.js';

export interface JaegerThriftReceiverOptions {
  readonly pipeline: IngestPipeline;
  readonly metrics: Metrics;
  readonly maxRequestBytes: number;
}

const PROTOCOL = 'jaeger_thrift_http';
/** The media types the Jaeger collector takes for a Thrift body (its acceptedThriftFormats). */
const THRIFT_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/x-thrift', 'application/vnd.apache.thrift.binary']);

/**
 * The Jaeger collector's HTTP span endpoint: `POST /api/traces` with one jaeger.thrift Batch in the binary
 * protocol, as jaeger-client's HTTPSender sends it. Answers as the collector does: 202 with no body once the spans
 * are durable; 400 with a plain-text reason for a content type it does not take or a body that is not a Batch.
 * An encapsulated fastify plugin: its body parser and error handler cover this route only.
 */
export async function jaegerThriftReceiver(app: FastifyInstance, opts: JaegerThriftReceiverOptions): Promise<void> {
  setUpHttpReceiver(app, { protocol: PROTOCOL, metrics: opts.metrics, maxRequestBytes: opts.maxRequestBytes, sendError: (reply, _req, err) => sendError(reply, err) });

  app.post('/api/traces', async (req, reply) => {
    checkContentType(req.headers['content-type']);
    const raw = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
    const payload = await decodeBody(raw, req.headers['content-encoding'], opts.maxRequestBytes);
    let accepted: number;
    try {
      accepted = (await opts.pipeline.ingest(receive(PROTOCOL, PayloadFormat.JAEGER_THRIFT_BINARY, payload, req.tenant))).accepted;
    } catch (err) {
      // The collector's wording for a body its Thrift deserializer refuses.
      if (err instanceof ClewError && err.code === 'MALFORMED_REQUEST') throw new ClewError('MALFORMED_REQUEST', `Unable to process request body: ${err.message}`);
      throw err;
    }
    opts.metrics.spansAccepted.inc({ protocol: PROTOCOL }, accepted);
    return reply.code(202).send();
  });
}

/** The collector's checks and messages: a missing type cannot be parsed, and only Thrift types are taken. */
function checkContentType(contentType: string | undefined): void {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === '') throw new ClewError('MALFORMED_REQUEST', 'Cannot parse content type: mime: no media type');
  if (!THRIFT_MEDIA_TYPES.has(media)) {
    throw new ClewError('MALFORMED_REQUEST', `Unsupported content type: ${media} (send application/x-thrift or application/vnd.apache.thrift.binary)`);
  }
}

/** Plain text ending in a newline, as Go's http.Error writes the collector's errors. */
function sendError(reply: FastifyReply, err: ClewError) {
  reply.code(err.httpStatus);
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.header('content-type', 'text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(`${err.message}\n`);
}
