import type { ServiceGraphEdge } from '@clew/analysis';
import type { Tenant } from '@clew/model';
import type { EdgeAcc, MinuteRollup } from './minute-rollup.js';
import { MINUTE_MS } from './minute-rollup.js';
import type { EdgeSeries, PrometheusSeries } from './prometheus-series.js';
import { tenantKey } from './tenant-key.js';

/** (client, server) pairs whose cells a tenant keeps before starting afresh: edge ends are not bounded in number. */
const EDGE_CELLS_MAX = 10_000;

/** A (client, server) pair: its ends' tenant keys and its accumulators, cached between edges. */
interface EdgeCell {
  readonly client: string;
  readonly server: string;
  readonly prometheus: Array<EdgeSeries | undefined>;
  rollup: MinuteRollup | undefined;
  minute: number;
  slots: Array<EdgeAcc | undefined> | undefined;
}

/**
 * Counts one tenant's service-graph edges into rollups and its Prometheus series, under its keys (withTenants
 * splits them again on the way to the store). A pair's keys and accumulators are kept in a cell, as the consumer keeps
 * a (service, span name)'s, so that most edges cost two map lookups rather than eight.
 */
export class EdgeCells {
  private byClient = new Map<string, Map<string, EdgeCell>>();
  private cells = 0;

  constructor(
    private readonly tenant: Tenant,
    private readonly prometheus: PrometheusSeries,
  ) {}

  /** Counts an edge into `rollup` (that of the segment holding its oldest span) and into the Prometheus series. */
  add(e: ServiceGraphEdge, rollup: MinuteRollup): void {
    const cell = this.cellOf(e.client, e.server);
    const minute = Math.floor(e.epochMs / MINUTE_MS) * MINUTE_MS;
    if (cell.rollup !== rollup || cell.minute !== minute) {
      cell.rollup = rollup;
      cell.minute = minute;
      cell.slots = rollup.edgeSlotsFor(minute, cell.client, cell.server);
    }
    rollup.addEdgeTo(cell.slots!, minute, cell.client, cell.server, e, 1);
    this.prometheus.observeEdgeIn(cell.prometheus, e, 1);
  }

  private cellOf(client: string, server: string): EdgeCell {
    if (this.cells > EDGE_CELLS_MAX) {
      this.byClient = new Map();
      this.cells = 0;
    }
    let byServer = this.byClient.get(client);
    if (byServer === undefined) this.byClient.set(client, (byServer = new Map()));
    let cell = byServer.get(server);
    if (cell === undefined) {
      cell = {
        client: tenantKey(this.tenant, client),
        server: tenantKey(this.tenant, server),
        prometheus: this.prometheus.edgeSlotsFor(client, server),
        rollup: undefined,
        minute: 0,
        slots: undefined,
      };
      byServer.set(server, cell);
      this.cells++;
    }
    return cell;
  }
}
