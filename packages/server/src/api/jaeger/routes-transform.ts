import { DecodeError, decodeOtlpJson } from '@clew/codecs';
import type { Span, TraceId } from '@clew/model';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import { decodeBody } from '../../receivers/otlp-http/body.js';
import type { JaegerTrace } from './jaeger-json-types.js';
import type { V1ItemError } from './reply.js';
import { sendV1 } from './reply.js';
import { toJaegerTrace } from './to-jaeger-json.js';

export interface TransformRouteOptions {
  /** Largest body accepted, compressed or once decompressed (limits.maxRequestBytes), as on the ingest routes. */
  readonly maxRequestBytes: number;
  /** The Jaeger API's error handler, which writes errors in Jaeger's envelope. */
  readonly onError: (err: Error, request: FastifyRequest, reply: FastifyReply) => FastifyReply;
}

/**
 * `POST /api/transform`: OTLP JSON in, Jaeger UI JSON out, as Jaeger's transformOTLP (http_handler.go,
 * otlp_translator.go) does it for Jaeger UI's "upload a file": every body is read as OTLP JSON whatever its
 * Content-Type (the UI posts a string, so text/plain), gzip or not, spans are grouped into traces in order of first
 * appearance, and each trace is converted without the query service's adjusters, as uploaded.
 */
export async function transformRoute(app: FastifyInstance, opts: TransformRouteOptions): Promise<void> {
  // Encapsulated by register(): these parsers apply to this route only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/transform',
    {
      bodyLimit: opts.maxRequestBytes,
      errorHandler: (err: FastifyError, request, reply) => opts.onError(tooLargeNamed(err, opts.maxRequestBytes), request, reply),
    },
    async (request, reply) => {
      const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      const { traces, errors } = transformOtlp(await decodeBody(raw, request.headers['content-encoding'], opts.maxRequestBytes));
      return sendV1(request, reply, traces, { errors });
    },
  );
}

/**
 * An OTLP JSON document as Jaeger UI traces. Spans whose ids Clew cannot use (an all-zero, wrongly sized or non-hex
 * trace or span id) are left out and reported in `errors`; a document with no usable span at all is refused.
 * @example transformOtlp('{"resourceSpans":[]}') // { traces: [], errors: [] }
 */
export function transformOtlp(body: string | Uint8Array): { traces: JaegerTrace[]; errors: V1ItemError[] } {
  let decoded;
  try {
    decoded = decodeOtlpJson(body);
  } catch (e) {
    if (e instanceof DecodeError) throw new ClewError('MALFORMED_REQUEST', `cannot unmarshal OTLP : ${e.message}`);
    throw e;
  }
  if (decoded.rejected > 0 && decoded.spans.length === 0) throw new ClewError('MALFORMED_REQUEST', decoded.rejectMessage);
  const byTrace = new Map<TraceId, Span[]>();
  for (const span of decoded.spans) {
    const spans = byTrace.get(span.traceId);
    if (spans) spans.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  return {
    traces: [...byTrace.values()].map((spans) => toJaegerTrace(spans, true)),
    errors: decoded.rejected > 0 ? [{ msg: decoded.rejectMessage }] : [],
  };
}

/** Fastify's own 413 says only "Request body is too large"; say which limit, and how to raise it. */
function tooLargeNamed(err: FastifyError, limit: number): Error {
  if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return err;
  return new ClewError(
    'PAYLOAD_TOO_LARGE',
    `request body over limits.maxRequestBytes (${limit} bytes); upload a smaller file or raise --max-request-bytes`,
    { cause: err },
  );
}
