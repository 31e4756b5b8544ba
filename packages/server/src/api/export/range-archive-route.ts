import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import type { ArchiveOptions, RangeArchiveManifest, StoreArchiveRequest } from '@clew/storage';
import type { FastifyInstance } from 'fastify';
import { ClewError } from '../../errors.js';
import { nanos } from './export-route.js';
import { DATA_BYTES, RANGE_ARCHIVE_CONTENT_TYPE, RANGE_ARCHIVE_ROUTE, rangeArchiveFrame } from './range-archive-frames.js';
import { stopsWhenClosing } from './stop-when-closing.js';

/** A store that writes range archives itself (DuckDBStore.writeRangeArchive), and where its files wait to be sent. */
export interface RangeArchiveSource {
  write(req: StoreArchiveRequest, opts: ArchiveOptions): Promise<RangeArchiveManifest>;
  /** A directory of the route's own: each day's file is written there and removed once sent; emptied at each archive. */
  readonly scratch: string;
}

/** When a second archive may try again: an archive takes minutes. */
const RETRY_AFTER_S = 30;
/**
 * How long a client may read nothing (a command suspended, say) before its archive is given up: the archive holds a
 * reader connection, a transaction and the partitions from retention, and another cannot begin meanwhile.
 */
const DRAIN_MS = 5 * 60_000;

/**
 * Writes `frame` to `out`, waiting while it is full. Rejects with `stop`'s reason once it is aborted, and aborts it with
 * `idle()` when `out` takes nothing more for `drainMs` (a client that reads nothing).
 */
export async function sendFrame(out: Writable, frame: Buffer, stop: AbortController, drainMs: number, idle: () => Error): Promise<void> {
  stop.signal.throwIfAborted();
  if (out.write(frame)) return;
  try {
    await once(out, 'drain', { signal: AbortSignal.any([stop.signal, AbortSignal.timeout(drainMs)]) });
  } catch {
    if (!stop.signal.aborted) stop.abort(idle());
    throw stop.signal.reason;
  }
}

export function registerRangeArchiveRoute(app: FastifyInstance, source: RangeArchiveSource): void {
  // One archive at a time: each holds a reader connection and a transaction for as long as it takes.
  let busy = false;
  // A Clew that stops stops the archive under way, which would otherwise hold the stop for as long as it takes.
  const closing = stopsWhenClosing(app, () => new Error('this Clew is stopping'));
  app.get(RANGE_ARCHIVE_ROUTE, { compress: false } as object, async (request, reply) => {
    const params = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1 || request.url.length));
    const start = nanos(params, 'start');
    const end = nanos(params, 'end');
    const service = params.get('service') ?? undefined;
    if (busy) throw new ClewError('RATE_LIMITED', 'this Clew is writing another range archive: try again once it is done', { retryAfterSeconds: RETRY_AFTER_S });
    busy = true;
    // The client hung up (or the connection broke) before the answer ended, or does not read it, or the Clew stops:
    // the archive stops (its COPY interrupted).
    const stop = closing.start();
    const out = new PassThrough();
    // The answer is cut off, not ended, when the client is gone or does not read.
    let cutOff = false;
    // Fastify destroys the stream it sends when the connection closes first, or at once when it was closed already
    // (a client gone while the scratch directory was emptied).
    out.once('close', () => {
      if (out.writableFinished) return;
      cutOff = true;
      stop.abort(new Error('the client closed the connection before the archive was sent'));
    });
    const send = (frame: Buffer) =>
      sendFrame(out, frame, stop, DRAIN_MS, () => {
        cutOff = true;
        return new Error(`the client read nothing of the archive for ${DRAIN_MS / 60_000} minutes`);
      });
    try {
      // What is there is left by an archive this process or one before it did not finish (one at a time).
      await rm(source.scratch, { recursive: true, force: true });
      await mkdir(source.scratch, { recursive: true });
    } catch (e) {
      busy = false;
      closing.done(stop);
      throw e;
    }
    // The answer begins at once, its headers with it, rather than once the spans are counted.
    out.write(rangeArchiveFrame('P', { spans: 0, total: 0 }));
    const started = Date.now();
    void (async () => {
      let last: Buffer;
      try {
        const manifest = await source.write(
          { start, end, service, tenant: request.tenant, out: source.scratch },
          {
            progress: (spans, total) => {
              if (!cutOff) out.write(rangeArchiveFrame('P', { spans, total }));
            },
            onFile: async (day, path) => {
              await send(rangeArchiveFrame('F', day));
              for await (const chunk of createReadStream(path, { highWaterMark: DATA_BYTES })) await send(rangeArchiveFrame('D', chunk as Buffer));
              await rm(path);
            },
            signal: stop.signal,
          },
        );
        last = rangeArchiveFrame('M', manifest);
        request.log.info({ tenant: request.tenant, spans: manifest.spans, files: manifest.files.length, ms: Date.now() - started }, 'range archive sent');
      } catch (err) {
        request.log.warn({ err, tenant: request.tenant }, 'range archive failed');
        last = rangeArchiveFrame('E', { message: err instanceof Error ? err.message : String(err) });
      }
      // Done before the last frame, so that a client told the archive is over may begin the next.
      await rm(source.scratch, { recursive: true, force: true }).catch((err: unknown) => request.log.warn({ err }, 'could not remove the range archive scratch directory'));
      busy = false;
      closing.done(stop);
      if (cutOff) out.destroy();
      else out.end(last);
    })();
    return reply.header('content-type', RANGE_ARCHIVE_CONTENT_TYPE).send(out);
  });
}
