import type { Logger } from 'pino';

/**
 * Warns about dropped datagrams at most once per reason per interval, saying how many were dropped since the last
 * warning: a flood of garbage must not become a flood of log lines.
 */
export class DropLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly what: string,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs (or counts, when a warning for `reason` was logged less than an interval ago) one dropped datagram. */
  drop(reason: string, message: string, from: string): void {
    const t = this.now();
    const entry = this.last.get(reason);
    if (entry !== undefined && t - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(reason, { at: t, suppressed: 0 });
    this.log.warn({ reason, from, droppedSinceLastWarning: suppressed }, `${this.what}: dropped a datagram: ${message}`);
  }
}
