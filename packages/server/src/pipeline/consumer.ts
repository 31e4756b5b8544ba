import type { Span, Tenant } from '@clew/model';

/**
 * What reads every accepted span after it is durable (span metrics, the service graph, the attribute catalog,
 * adaptive sampling's counts), as Tempo's metrics-generator `Processor` (`Name`, `PushSpans`, `Shutdown`). The store
 * writer calls `push` with each batch it writes and the write-ahead-log position of the batch's last record, in log
 * order, replay included: a consumer that keeps state across restarts remembers the last position it counted and
 * skips a batch at or below it, so each span is counted once across a kill -9. Every span of one push belongs to
 * `tenant`: a batch of several tenants' records comes as one push per run of records of one tenant, each with the
 * position of its own last record.
 */
export interface SpanConsumer {
  readonly name: string;
  /** Must be cheap or hand the work off: it runs on the store writer's path, once per batch. */
  push(spans: readonly Span[], walPosition: bigint, tenant: Tenant): void;
  /**
   * For a consumer that writes its state on its own schedule: the position through which that state is durable. The
   * store writer releases the log no further, so a crash replays what the consumer had not yet written.
   */
  durableThrough?(): bigint;
  shutdown?(): Promise<void>;
}
