import { encodeExportResponseProto } from '@clew/codecs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClewError } from '../../errors.js';
import { FORWARDED_HEADER } from '../../pipeline/forward/forwarder.js';
import type { IngestPipeline, IngestResult } from '../../pipeline/ingest.js';
import { receive } from '../decode-payload.js';
import type { Metrics } from '../../observability/metrics.js';
import { PayloadFormat } from '../../wal/record.js';
import { setUpHttpReceiver } from '../http-receiver.js';
import { encodeRpcStatusProto, rpcStatusJson } from '../rpc-status.js';
import { decodeBody, formatOf } from './body.js';

export interface OtlpHttpOptions {
  readonly pipeline: IngestPipeline;
  readonly metrics: Metrics;
  readonly maxRequestBytes: number;
}

const PROTOCOL = 'otlp_http';

/**
 * OTLP/HTTP: POST /v1/traces with protobuf or JSON bodies, gzip or not. Replies in the request's encoding, with
 * partial_success when some spans were refused, and errors as google.rpc.Status as the OTLP spec asks.
 * The fastify instance must be created with bodyLimit = maxRequestBytes.
 */
export async function otlpHttpReceiver(app: FastifyInstance, opts: OtlpHttpOptions): Promise<void> {
  setUpHttpReceiver(app, {
    protocol: PROTOCOL,
    metrics: opts.metrics,
    maxRequestBytes: opts.maxRequestBytes,
    sendError: (reply, req, err) => sendError(reply, requestFormat(req), err),
  });

  app.post('/v1/traces', async (req, reply) => {
    const format = formatOf(req.headers['content-type']);
    const raw = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
    const body = await decodeBody(raw, req.headers['content-encoding'], opts.maxRequestBytes);
    const batch = receive(PROTOCOL, format, body, req.tenant);
    // A peer's forward (tail sampling across collectors): its spans stay here, whoever this collector thinks owns them.
    const result = await opts.pipeline.ingest(req.headers[FORWARDED_HEADER] === '1' ? { ...batch, forwarded: true } : batch);
    opts.metrics.spansAccepted.inc({ protocol: PROTOCOL }, result.accepted);
    return sendSuccess(reply, format, result);
  });
}

function requestFormat(req: FastifyRequest): PayloadFormat {
  try {
    return formatOf(req.headers['content-type']);
  } catch {
    return PayloadFormat.OTLP_PROTO;
  }
}

function sendSuccess(reply: FastifyReply, format: PayloadFormat, r: IngestResult) {
  if (format === PayloadFormat.OTLP_PROTO) {
    return reply
      .header('content-type', 'application/x-protobuf')
      .send(encodeExportResponseProto(r.rejected, r.rejectMessage));
  }
  const body =
    r.rejected > 0 || r.rejectMessage
      ? { partialSuccess: { rejectedSpans: String(r.rejected), errorMessage: r.rejectMessage } }
      : {};
  // A Buffer, so the Content-Type goes out exactly as the request's (fastify appends a charset to strings).
  return reply.header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}

function sendError(reply: FastifyReply, format: PayloadFormat, err: ClewError) {
  reply.code(err.httpStatus);
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  if (format === PayloadFormat.OTLP_JSON) {
    return reply
      .header('content-type', 'application/json')
      .send(Buffer.from(JSON.stringify(rpcStatusJson(err.grpcStatus, err.message, err.retryAfterSeconds))));
  }
  return reply
    .header('content-type', 'application/x-protobuf')
    .send(encodeRpcStatusProto(err.grpcStatus, err.message, err.retryAfterSeconds));
}
