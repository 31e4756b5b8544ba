import type { Span, Tenant, TraceId } from '@clew/model';
import type { EpochMillis, MetricsReader, MetricsStore } from '../metrics/metrics-store.js';
import type { SpanReader, Store, TimeWindow } from '../store.js';
import { ArchiveFallbackStore } from './archive-fallback-store.js';
import type { ArchiveMark } from './archive-mark.js';
import { ARCHIVE_COLLECTION, markFromDocument, markToDocument } from './archive-mark.js';

/** Who archives a trace, when and why. */
export interface ArchiveRequest {
  readonly by: string;
  readonly note: string;
  readonly at: EpochMillis;
  /** Where to look for the trace's live spans (a hint, as for getTrace). */
  readonly window?: Partial<TimeWindow>;
  /**
   * Leave the mark of a trace already archived as it is (who, when, the note): Jaeger's route carries no note, and
   * its button pressed again must not wipe one given through Clew's own.
   */
  readonly keepMark?: boolean;
}

/**
 * What archiving did: the mark now stored and how many spans were copied into the archive this time (0 when every
 * span was already there); `found: false` when neither the live store nor the archive holds the trace.
 */
export type ArchiveResult = { readonly found: true; readonly mark: ArchiveMark; readonly copied: number } | { readonly found: false };

/**
 * Archived traces, kept outside retention: their spans copied into a second Store that no retention job is given
 * (Jaeger's separate archive storage), and a mark per trace (who, when, why) as a document of the metrics store,
 * beside the SLOs. The mark is what makes a trace archived: un-archiving deletes it and then the copies, and archived
 * spans without a mark are never read. Works the same over any backend pair (DuckDB files, a ClickHouse `<db>_archive` database).
 *
 * `store` is the live store with trace-by-id reads that fall back to the archive, for the query APIs.
 * @example const archive = new TraceArchive(live, await openDuckDBStore({ dir: 'data/archive' }), metricsStore);
 */
export class TraceArchive {
  readonly store: Store;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly live: Store,
    private readonly archived: Store,
    private readonly documents: MetricsStore,
  ) {
    this.store = new ArchiveFallbackStore(live, (tenant) => this.forTenant(tenant));
  }

  /** One tenant's archive: its marks and archived spans only. */
  forTenant(tenant: Tenant): TenantArchive {
    return new TenantArchive(tenant, this.live.forTenant(tenant), this.archived, this.documents.forTenant(tenant), (fn) => this.serial(fn));
  }

  /** Archive changes run one at a time, so that two requests for one trace do not copy its spans twice. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A span's identity within a trace: Zipkin's shared spans give a client and a server span the same id. */
export const spanKey = (s: Pick<Span, 'spanId' | 'kind' | 'startTimeUnixNano'>): string => `${s.spanId}/${s.kind}/${s.startTimeUnixNano}`;

export class TenantArchive {
  constructor(
    readonly tenant: Tenant,
    private readonly live: SpanReader,
    private readonly archived: Store,
    private readonly documents: MetricsReader,
    private readonly serial: <T>(fn: () => Promise<T>) => Promise<T>,
  ) {}

  private get reader(): SpanReader {
    return this.archived.forTenant(this.tenant);
  }

  /**
   * Copies the trace's live spans that the archive lacks into it, then stores the mark (replacing an earlier one, so
   * archiving again updates the note, unless `keepMark`). A trace already archived whose live spans are gone keeps
   * its spans and gets the new mark; an unknown trace is `found: false`.
   */
  archive(traceId: TraceId, req: ArchiveRequest): Promise<ArchiveResult> {
    return this.serial(async () => {
      const copied = await this.copyLive(traceId, req.window);
      if (copied === undefined) return { found: false };
      const was = req.keepMark ? await this.mark(traceId) : undefined;
      if (was) return { found: true, mark: was, copied };
      const mark: ArchiveMark = { traceId, archivedAt: req.at, archivedBy: req.by, note: req.note };
      await this.documents.putDocument(ARCHIVE_COLLECTION, markToDocument(mark));
      return { found: true, mark, copied };
    });
  }

  /**
   * Replaces the note of an archived trace, keeping who archived it and when, and records who changed the note and
   * when; undefined when the trace is not archived. Archiving again (`archive`) replaces the whole mark instead. As
   * archiving does, the trace's copies are made whole before the mark is written: a query node that un-archived it
   * meanwhile (scale-out) leaves it archived again, copies and all, rather than marked without them.
   */
  editNote(traceId: TraceId, edit: { readonly note: string; readonly by: string; readonly at: EpochMillis }): Promise<ArchiveMark | undefined> {
    return this.serial(async () => {
      const was = await this.mark(traceId);
      if (was === undefined || (await this.copyLive(traceId)) === undefined) return undefined;
      const mark: ArchiveMark = { traceId, archivedAt: was.archivedAt, archivedBy: was.archivedBy, note: edit.note, noteEditedBy: edit.by, noteEditedAt: edit.at };
      await this.documents.putDocument(ARCHIVE_COLLECTION, markToDocument(mark));
      return mark;
    });
  }

  /**
   * Copies the trace's live spans that the archive lacks into it: how many; undefined when neither store holds any.
   * Spans before the mark: a crash between the two leaves spans without a mark, which reads ignore.
   */
  private async copyLive(traceId: TraceId, window?: Partial<TimeWindow>): Promise<number | undefined> {
    const [liveSpans, kept] = await Promise.all([this.live.getTrace(traceId, window), this.reader.getTrace(traceId)]);
    if (liveSpans.length === 0 && kept.length === 0) return undefined;
    const have = new Set(kept.map(spanKey));
    const missing = liveSpans.filter((s) => !have.has(spanKey(s)));
    if (missing.length > 0) await this.archived.append(missing, undefined, [{ tenant: this.tenant, spans: missing.length }]);
    return missing.length;
  }

  /**
   * Removes the mark, then the trace's copies in the archive: the trace is read from the live store only, and goes
   * with its days there. False when it was not archived. (A crash between the two leaves copies without a mark,
   * which reads ignore; archiving again keeps them.)
   */
  unarchive(traceId: TraceId): Promise<boolean> {
    return this.serial(async () => {
      if (!(await this.documents.deleteDocument(ARCHIVE_COLLECTION, traceId))) return false;
      await this.archived.deleteTraces([traceId], this.tenant);
      return true;
    });
  }

  /** The trace's mark, or undefined when it is not archived. */
  async mark(traceId: TraceId): Promise<ArchiveMark | undefined> {
    return (await this.marks()).find((m) => m.traceId === traceId);
  }

  /** Every mark of the tenant, most recently archived first (ties by trace id). */
  async marks(): Promise<ArchiveMark[]> {
    const docs = await this.documents.listDocuments(ARCHIVE_COLLECTION);
    return docs.map(markFromDocument).sort((a, b) => b.archivedAt - a.archivedAt || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
  }

  /** The ids among `traceIds` that are archived. */
  async archivedAmong(traceIds: readonly TraceId[]): Promise<Set<TraceId>> {
    if (traceIds.length === 0) return new Set();
    const marked = new Set((await this.documents.listDocuments(ARCHIVE_COLLECTION)).map((d) => d.id));
    return new Set(traceIds.filter((id) => marked.has(id)));
  }

  /** The archive store's reads of the tenant's spans, marked or not (see archivedAmong). */
  archivedReads(): SpanReader {
    return this.reader;
  }
}
