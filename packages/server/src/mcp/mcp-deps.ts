import type { SloView } from '@clew/api';
import type { Tenant } from '@clew/model';
import type { SpanReader } from '@clew/storage';
import type { TraceCache } from '../api/native/trace-cache.js';
import type { ServiceHealthQueries } from '../query/metrics/service-health.js';

/**
 * What the MCP tools of one request read: the same store, trace cache, health queries and SLO views the native API
 * answers from, each bound to the tenant of the HTTP request that carried the MCP call.
 */
export interface McpDeps {
  /** Whose data the tools read. */
  readonly tenant: Tenant;
  /** The tenant's spans. */
  readonly store: SpanReader;
  /** Shared by every tenant: its entries are keyed by tenant (read through readCachedTrace with `tenant`). */
  readonly cache: TraceCache;
  /** Service health over the tenant's metrics rollups; red_metrics and service_map say they are off without it. */
  readonly health?: ServiceHealthQueries;
  /** Every SLO of the tenant measured now; slo_status says SLOs are off without it. */
  readonly slos?: () => Promise<readonly SloView[]>;
  /** Epoch ms; windows default to the last hour before it. */
  readonly now: () => number;
}
