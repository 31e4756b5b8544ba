import type { SloView } from '@clew/api';
import type { Store } from '@clew/storage';
import type { TraceCache } from '../api/native/trace-cache.js';
import type { ServiceHealthQueries } from '../query/metrics/service-health.js';

/** What the MCP tools read: the same store, trace cache, health queries and SLO views the native API answers from. */
export interface McpDeps {
  readonly store: Store;
  readonly cache: TraceCache;
  /** Service health over the metrics rollups; red_metrics and service_map say they are off without it. */
  readonly health?: ServiceHealthQueries;
  /** Every SLO measured now; slo_status says SLOs are off without it. */
  readonly slos?: () => Promise<readonly SloView[]>;
  /** Epoch ms; windows default to the last hour before it. */
  readonly now: () => number;
}
