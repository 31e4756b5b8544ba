import { Readable } from 'node:stream';
import type { TraceId, UnixNanos } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClewError } from '../../errors.js';
import { parseTraceQL } from '../../query/traceql/index.js';
import type { ExportFormat } from './export-format.js';
import { encodeExportRequests, EXPORT_CONTENT_TYPES, EXPORT_ROUTE, EXPORT_SPANS_HEADER } from './export-format.js';
import type { ExportSelection } from './select-spans.js';
import { selectSpans } from './select-spans.js';
import { stopsWhenClosing } from './stop-when-closing.js';

/**
 * `GET /api/clew/v1/export?start=&end=[&service=|&q=][&format=json|protobuf]` (or `?traceId=…&traceId=…`): the
 * request's tenant's spans as the OpenTelemetry Collector's file exporter writes them (see export-format.ts),
 * streamed as they are read and never compressed (the bytes go to a file as they are). `start` and `end` are Unix
 * nanoseconds, end excluded. EXPORT_SPANS_HEADER says how many spans follow, except for a TraceQL query.
 */
export function registerExportRoute(app: FastifyInstance, reader: (request: FastifyRequest) => SpanReader): void {
  // Exports under way, stopped when the Clew stops: a whole-trace export reads pages of traces for as long as the
  // window takes, and would otherwise go on reading after the stores were closed, and hold the stop for ever.
  const closing = stopsWhenClosing(app, () => new ClewError('SHUTTING_DOWN', 'this Clew is stopping: export again from another instance or once it is back'));
  app.get(EXPORT_ROUTE, { compress: false } as object, async (request, reply) => {
    const params = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1 || request.url.length));
    const format = exportFormat(params.get('format'));
    const selection = exportSelection(params);
    // And when the client goes (Ctrl-C, a broken connection) before the answer ends: nobody would read the rest.
    const stop = closing.start();
    reply.raw.once('close', () => {
      closing.done(stop);
      if (!reply.raw.writableFinished) stop.abort(new Error('the client closed the connection before the export was sent'));
    });
    const { total, batches } = await selectSpans(reader(request), selection, stop.signal);
    // Stopped while the traces were being found: said as an error (503 when the Clew stops), not a cut answer.
    stop.signal.throwIfAborted();
    const requests = (async function* () {
      for await (const spans of batches) yield* encodeExportRequests(spans, format);
    })();
    if (total !== undefined) void reply.header(EXPORT_SPANS_HEADER, String(total));
    return reply.header('content-type', EXPORT_CONTENT_TYPES[format]).send(Readable.from(requests, { objectMode: false }));
  });
}

function exportFormat(v: string | null): ExportFormat {
  if (v === null || v === 'json') return 'json';
  if (v === 'protobuf') return 'protobuf';
  throw new ClewError('BAD_PARAMETER', `format must be json or protobuf, not "${v}"`, { parameter: 'format' });
}

function exportSelection(params: URLSearchParams): ExportSelection {
  const traceIds = params.getAll('traceId');
  if (traceIds.length > 0) {
    for (const id of traceIds) {
      if (!/^[0-9a-f]{32}$/.test(id)) throw new ClewError('BAD_PARAMETER', `traceId must be 32 lowercase hex digits, not "${id}"`, { parameter: 'traceId' });
    }
    return { kind: 'traces', traceIds: traceIds as TraceId[] };
  }
  const window = { start: nanos(params, 'start'), end: nanos(params, 'end') };
  const service = params.get('service');
  const q = params.get('q');
  if (service !== null && q !== null) throw new ClewError('BAD_PARAMETER', 'give service or q, not both (a TraceQL query can name the service)', { parameter: 'q' });
  if (service !== null) return { kind: 'service', window, service };
  if (q !== null) {
    const parsed = parseTraceQL(q);
    if (!parsed.ok) throw new ClewError('BAD_PARAMETER', `q is not TraceQL: ${parsed.error.message}`, { parameter: 'q' });
    return { kind: 'traceql', window, query: parsed.query };
  }
  return { kind: 'window', window };
}

/** The parameter `name` as Unix nanoseconds; a BAD_PARAMETER error when it is missing or not one. */
export function nanos(params: URLSearchParams, name: string): UnixNanos {
  const v = params.get(name);
  if (v === null || !/^\d{1,20}$/.test(v) || BigInt(v) >= 1n << 64n) {
    throw new ClewError('BAD_PARAMETER', `${name} must be Unix nanoseconds (a whole number), not ${v === null ? 'missing' : `"${v}"`}`, { parameter: name });
  }
  return BigInt(v) as UnixNanos;
}
