import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { decodeOtlpJson, decodeOtlpProto, encodeOtlpProto } from '@clew/codecs';
import type { Span, Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { EncodingBatch } from '@clew/storage';
import { EXPORT_ROUTE } from '@clew/server/client';
import { duckdbThreadsBeside, openDataDirMetrics, openDataDirStore, refuseAsDataDir } from './data-dir-store.js';
import { readExportResponse, readStatusMessage } from './otlp-response.js';
import { postParts, QUERY_PORT_HINT, reach } from './reach.js';

/**
 * A batch to write: the decoded spans, and the same spans as OTLP protobuf requests when the input gave them so. For
 * a target that `sendsRaw`, spans a reader only counted are in `raw` alone (`spans` holds those it decoded).
 */
export interface ImportBatch {
  readonly spans: Span[];
  /** OTLP protobuf requests (which concatenate into one request). */
  readonly raw?: { readonly bodies: Array<{ readonly bytes: Buffer; readonly spans: number }> };
}

export interface WriteOutcome {
  readonly written: number;
  readonly refused: number;
  /** Why spans were refused; '' when none were. */
  readonly message: string;
}

/** Where an import writes. */
export interface ImportTarget {
  /** Names the target in the checkpoint: a checkpoint is resumed into the same target only. */
  readonly name: string;
  write(batch: ImportBatch): Promise<WriteOutcome>;
  /**
   * How many writes may be under way at once (1 when not given): a data directory's store encodes the next batch
   * while the one before it commits. Writes complete in the order they were made.
   */
  readonly writesAtOnce?: number;
  /**
   * Whether the target sends a batch's `raw` requests as they are when it has them: then an input whose records come
   * as protobuf of their accepted spans (OTLP JSON lines, from the decoding thread) need not be decoded again here.
   */
  readonly sendsRaw?: boolean;
  /**
   * Takes the spans of the batch being read as they are read, when the target can (a data directory encodes them for
   * its store at once, so that they are not held until the batch is whole): `write` then writes them, with the spans
   * it is given, as one batch. Bound to the target.
   */
  readonly add?: (spans: Span[]) => void;
  /** Gives up the spans `add` took since the last write (a batch an interruption or a failure left unsent). */
  discard?(): void;
  /** Made ready before a file's spans are read (a data directory attaches the store's partition of now). */
  prepare?(): Promise<void>;
  /** Which of `spans` the target already holds, as `traceId/spanId` keys (the check of a batch in doubt). */
  present(spans: readonly Span[]): Promise<Set<string>>;
  close(): Promise<void>;
}

export const spanKey = (s: Span): string => `${s.traceId}/${s.spanId}`;

export const spansIn = (bodies: ReadonlyArray<{ readonly spans: number }>): number => bodies.reduce((n, b) => n + b.spans, 0);

/** A write the target answered by refusing it whole (a token it does not take, a wrong path): none of its spans were kept. */
export class WriteRefused extends Error {}

/** A request refused whole as larger than the target takes (413). */
class TooLarge extends WriteRefused {}

/**
 * A Clew's data directory, its DuckDB store opened directly (refused, saying so, while a Clew holds it). The spans
 * written are also counted into the directory's span metrics and service graph (its metrics store, as a Clew counts
 * what it receives): each batch is counted as its spans are read, its counts kept apart until they are stored (a batch
 * whose write fails, or that an interruption leaves unwritten, is never counted), and the counts are appended every
 * `metrics.flushInterval` and at the end, as a Clew appends them; the service graph's half edges still waiting at the
 * end go to virtual nodes or expire, as after `metrics.serviceGraphWait`. `{ metrics: false }` leaves them out.
 *
 * The spans are encoded for the store as they are read (`add`, DuckDBStore.openBatch) and not held until their batch
 * is whole: held, they outlived the young generation's collections and were copied and promoted, and V8 went on to make
 * every span in the old generation at once (an import of 500,000 spans a tenth slower, bench/README.md).
 */
export async function dataDirTarget(dir: string, tenant: Tenant, opts: { readonly metrics?: boolean } = {}): Promise<ImportTarget> {
  await refuseAsDataDir(dir);
  // The two stores are opened, and closed, at once: each is a DuckDB database of its own, and each takes a while.
  // Beside the import's two busy threads: reading and decoding (JSON), encoding and storing.
  const threads = duckdbThreadsBeside(2);
  const [opened, counting] = await Promise.allSettled([
    openDataDirStore(dir, { threads }),
    opts.metrics === false ? undefined : openDataDirMetrics(dir, threads),
  ]);
  if (opened.status === 'rejected' || counting.status === 'rejected') {
    await Promise.allSettled([opened.status === 'fulfilled' && opened.value.close(), counting.status === 'fulfilled' && counting.value?.close()]);
    throw opened.status === 'rejected' ? opened.reason : (counting as PromiseRejectedResult).reason;
  }
  const store = opened.value;
  const metrics = counting.value;
  const reader = tenant === DEFAULT_TENANT ? store : store.forTenant(tenant);
  let batches = 0n;
  /** The batch being read: encoded as its spans come (or held, until the store has the partition of now attached). */
  let open: { readonly encoding: EncodingBatch | undefined; readonly held: Span[]; readonly position: bigint; count: number } | undefined;
  const add = (spans: Span[]) => {
    const o = (open ??= { encoding: store.openBatch(), held: [], position: ++batches, count: 0 });
    if (o.encoding === undefined) for (const s of spans) o.held.push(s);
    else {
      try {
        o.encoding.add(spans, tenant);
      } catch (err) {
        // Given up by the store: the import stops, and the next batch (another file's) starts afresh.
        metrics?.consumer.dropped(o.position);
        open = undefined;
        throw err;
      }
    }
    o.count += spans.length;
    // Counted now, the counts kept apart until the batch is stored (`stored`): one never stored is never counted, and
    // is counted when an import going on from the checkpoint writes it.
    metrics?.consumer.push(spans, o.position, tenant);
  };
  const discard = () => {
    if (open === undefined) return;
    open.encoding?.abandon();
    metrics?.consumer.dropped(open.position);
    open = undefined;
  };
  let prepared: Promise<void> | undefined;
  return {
    // The directory's absolute path: the same relative path from elsewhere is another directory.
    name: `dir:${resolve(dir)}#${tenant}`,
    writesAtOnce: 2,
    // The partition of now attached (an empty append does that), so that the first batch is encoded as it is read too.
    prepare: () =>
      (prepared ??= store.append([]).catch((err: unknown) => {
        prepared = undefined;
        throw err;
      })),
    add,
    write({ spans }) {
      if (spans.length > 0) add(spans);
      const o = open;
      open = undefined;
      if (o === undefined) return Promise.resolve({ written: 0, refused: 0, message: '' });
      const written = { written: o.count, refused: 0, message: '' };
      const appended = o.encoding ? o.encoding.append() : store.append(o.held, undefined, [{ tenant, spans: o.held.length }]);
      // Not flushed per batch: each flush seals the counts so far as rows of their own, so a flush per batch of 20,000
      // spans wrote every (minute, service, operation) row again for each batch, with new latency bins.
      return appended.then(
        () => {
          metrics?.consumer.stored(o.position);
          return written;
        },
        (err: unknown) => {
          metrics?.consumer.dropped(o.position);
          throw err;
        },
      );
    },
    discard,
    async present(spans) {
      const found = await reader.getTraces([...new Set(spans.map((s) => s.traceId))]);
      return new Set([...found.values()].flat().map(spanKey));
    },
    async close() {
      discard();
      const closed = await Promise.allSettled([metrics?.close(), store.close()]);
      for (const c of closed) if (c.status === 'rejected') throw c.reason;
    },
  };
}

export interface ClewUrls {
  /** The query port, e.g. http://127.0.0.1:16686: where a batch in doubt is looked for. */
  readonly query: string;
  /** OTLP/HTTP, e.g. http://127.0.0.1:4318/v1/traces. */
  readonly otlp: string;
  readonly token?: string | undefined;
  /**
   * A token of the same tenant that can read, for checking a batch in doubt when `token` may only write; `token`
   * when not given. The checkpoint names `token` alone, so an import can go on with one added.
   */
  readonly readToken?: string | undefined;
  /** For an admin token: the tenant to write (X-Scope-OrgID). */
  readonly tenant?: string | undefined;
}

/** A running Clew: writes over OTLP/HTTP, checks a batch in doubt through the query port's export route. */
export function clewTarget(urls: ClewUrls): ImportTarget {
  const headers: Record<string, string> = {
    ...(urls.token !== undefined && { authorization: `Bearer ${urls.token}` }),
    ...(urls.tenant !== undefined && { 'x-scope-orgid': urls.tenant }),
  };
  const readHeaders = urls.readToken === undefined ? headers : { ...headers, authorization: `Bearer ${urls.readToken}` };
  /**
   * Sends requests that one after the other are one request; refused as too large (413: nothing of it kept), they
   * go as two halves, a single request's spans split in two (a collector's batch can be more than a Clew takes).
   */
  const send = async (parts: ReadonlyArray<{ readonly bytes: Uint8Array; readonly spans: number }>): Promise<WriteOutcome> => {
    try {
      return await post(parts.map((p) => p.bytes), spansIn(parts));
    } catch (e) {
      if (!(e instanceof TooLarge)) throw e;
      let halves: Array<typeof parts>;
      if (parts.length > 1) halves = [parts.slice(0, parts.length >> 1), parts.slice(parts.length >> 1)];
      else {
        // Spans this import decoded or counted already: their ids are not checked again.
        const { spans } = decodeOtlpProto(parts[0]!.bytes, { checkIds: false });
        // A span larger than the Clew takes is refused alone, as a span it refuses is.
        if (spans.length < 2) return { written: 0, refused: spans.length, message: `larger than the Clew takes in one request (${e.message})` };
        const half = spans.length >> 1;
        halves = [spans.slice(0, half), spans.slice(half)].map((h) => [{ bytes: encodeOtlpProto(h), spans: h.length }]);
      }
      const a = await send(halves[0]!);
      try {
        const b = await send(halves[1]!);
        return { written: a.written + b.written, refused: a.refused + b.refused, message: a.message || b.message };
      } catch (e2) {
        // The first half is kept: the batch is in doubt, whatever stopped the second (refused whole, or no connection).
        throw new Error(e2 instanceof Error ? e2.message : String(e2), { cause: e2 });
      }
    }
  };
  const post = async (parts: readonly Uint8Array[], spans: number): Promise<WriteOutcome> => {
    for (let attempt = 0; ; attempt++) {
      // After a wait, on a new connection: the one kept alive may have been closed by the server meanwhile.
      const res = await postParts(urls.otlp, { ...headers, 'content-type': 'application/x-protobuf' }, parts, "is it the Clew's OTLP/HTTP endpoint? (--otlp-url; port 4318 of --url's host unless given)", attempt > 0);
      const contentType = res.header('content-type') ?? '';
      if (res.ok) {
        const { rejected, message } = readExportResponse(res.body, contentType);
        return { written: spans - rejected, refused: rejected, message };
      }
      const text = readStatusMessage(res.body, contentType);
      // Full or shutting down: wait as told and send again (the pipeline refused the whole request, nothing of it is kept).
      if ((res.status === 429 || res.status === 503) && attempt < 600) {
        const wait = Number(res.header('retry-after') ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(30, Number.isFinite(wait) && wait > 0 ? wait : 1) * 1000));
        continue;
      }
      if (res.status === 400) return { written: 0, refused: spans, message: `refused by Clew (400): ${text}` };
      if (res.status === 413) throw new TooLarge(`${urls.otlp} answered 413: ${text}`);
      // Any other 4xx (401, 403, 404, 413…) refused the request whole: nothing of it is kept.
      throw new (res.status < 500 ? WriteRefused : Error)(`${urls.otlp} answered ${res.status}: ${text}`);
    }
  };
  // The token names the tenant written as much as X-Scope-OrgID does: a file imported with one tenant's token is not
  // "already imported" for another's. Its fingerprint only, not the token, goes into the checkpoint.
  const token = urls.token === undefined ? '' : `#token:${createHash('sha256').update(urls.token).digest('hex').slice(0, 12)}`;
  return {
    name: `url:${urls.otlp}#${urls.tenant ?? ''}${token}`,
    // The next request is read, decoded and sent while the Clew takes the last: one at a time, each side waited for
    // the other (import --url of protobuf, 500,000 spans, a Clew on one core: 56,324–56,346 spans/s, 60,268–64,469).
    writesAtOnce: 2,
    sendsRaw: true,
    async write(batch) {
      // Requests one after the other are one request (their resource_spans follow each other), sent without joining
      // them. Protobuf even for spans read from JSON: a Clew decodes it several times faster.
      return send(batch.raw ? batch.raw.bodies : [{ bytes: encodeOtlpProto(batch.spans), spans: batch.spans.length }]);
    },
    async present(spans) {
      await settled(urls.query);
      const ids = [...new Set(spans.map((s) => s.traceId))];
      const keys = new Set<string>();
      for (let i = 0; i < ids.length; i += 50) {
        const q = ids.slice(i, i + 50).map((id) => `traceId=${id}`).join('&');
        const res = await reach(`${urls.query}${EXPORT_ROUTE}?${q}`, { headers: readHeaders }, QUERY_PORT_HINT);
        const text = await res.text();
        if (!res.ok) {
          throw new Error(
            `cannot check whether the batch in doubt is already in Clew (${res.status} from ${urls.query}): ${text.slice(0, 300)}; ` +
              'the check reads the query port, so it needs a token that can read (scope read or admin): ' +
              (urls.readToken === undefined ? 'give one of the same tenant with --read-token, and the same command goes on' : 'is --read-token one?'),
          );
        }
        for (const line of text.split('\n')) if (line !== '') for (const s of decodeOtlpJson(line).spans) keys.add(spanKey(s));
      }
      return keys;
    },
    close: async () => undefined,
  };
}

/**
 * Waits until spans the Clew acknowledged before now are in its store: acknowledged means durable in its write-ahead
 * log, and the store writer follows in order, so once it has written as many spans as were queued at the start
 * (or the queue is empty) they are readable. Its /metrics says both; a Clew without them (a query node) is not waited for.
 */
async function settled(query: string): Promise<void> {
  const read = async () => {
    const text = await (await reach(`${query}/metrics`, undefined, QUERY_PORT_HINT)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { queued: value('clew_queue_spans'), written: value('clew_store_spans_written_total') };
  };
  const start = await read();
  if (!Number.isFinite(start.queued) || !Number.isFinite(start.written)) return;
  for (let now = start; now.queued > 0 && now.written < start.written + start.queued; now = await read()) {
    await new Promise((r) => setTimeout(r, 100));
  }
}
