import type { Tenant } from '@clew/model';
import type {
  EdgePoint,
  EdgeQuery,
  ErrorQuery,
  ErrorTotal,
  MetricsReader,
  SpanMetricsPoint,
  SpanMetricsQuery,
  StoredDocument,
} from '../../metrics/metrics-store.js';
import { withQuantiles } from '../../metrics/metrics-store.js';
import type { MetricsDb } from './documents.js';
import { deleteDocument, listDocuments, putDocument } from './documents.js';
import { readEdges, readTopErrors } from './edges-and-errors.js';
import { readSpanMetrics } from './span-metrics-sql.js';

/** One tenant's metrics and documents: every statement names the tenant. */
export class ClickHouseMetricsReader implements MetricsReader {
  constructor(
    private readonly tenant: Tenant,
    private readonly docs: MetricsDb,
  ) {}

  /** Quantiles, when asked for, are read from the bins this backend returns (it keeps none per row). */
  async spanMetrics(q: SpanMetricsQuery): Promise<SpanMetricsPoint[]> {
    return withQuantiles(await readSpanMetrics(this.docs.select, this.docs.db, this.tenant, q), q.quantiles);
  }

  edges(q: EdgeQuery): Promise<EdgePoint[]> {
    return readEdges(this.docs.select, this.docs.db, this.tenant, q);
  }

  topErrors(q: ErrorQuery): Promise<ErrorTotal[]> {
    return readTopErrors(this.docs.select, this.docs.db, this.tenant, q);
  }

  listDocuments(collection: string): Promise<StoredDocument[]> {
    return listDocuments(this.docs, this.tenant, collection);
  }

  putDocument(collection: string, doc: StoredDocument): Promise<void> {
    return putDocument(this.docs, this.tenant, collection, doc);
  }

  deleteDocument(collection: string, id: string): Promise<boolean> {
    return deleteDocument(this.docs, this.tenant, collection, id);
  }
}
