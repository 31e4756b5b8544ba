import type { AlertmanagerWebhookBody } from '@clew/analysis';
import type { Logger } from 'pino';
import type { WebhookConfig } from './config.js';

/** What became of one attempt to deliver a notification. */
export type DeliveryOutcome = 'success' | 'error' | 'gave_up';

export interface WebhookSenderOptions {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
  readonly log: Logger;
  readonly onOutcome: (outcome: DeliveryOutcome) => void;
}

/**
 * Delivers notifications to webhooks in the background: POSTs the body, and on a network error, a timeout, a 429 or
 * a 5xx tries again after a backoff that doubles up to a limit, for a bounded number of attempts (Alertmanager's
 * webhook notifier retries the same answers). Another 4xx is not retried: the receiver refused the body.
 * Notifications of one alert group to one webhook go in order (a resolved never overtakes its firing).
 */
export class WebhookSender {
  private readonly stopping = new AbortController();
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: WebhookSenderOptions) {}

  /** Queues `body` for `hook`; returns at once. */
  send(hook: WebhookConfig, body: AlertmanagerWebhookBody): void {
    const key = `${hook.url}\u0000${body.groupKey}`;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(hook, body));
    this.tails.set(key, next);
    this.inFlight.add(next);
    void next.finally(() => {
      this.inFlight.delete(next);
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  /** Resolves when every queued notification has been delivered or given up. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Abandons what is queued or waiting for a retry (logged), and waits for attempts under way to end. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private async deliver(hook: WebhookConfig, body: AlertmanagerWebhookBody): Promise<void> {
    const { log, maxAttempts } = this.opts;
    const what = { webhook: hook.url, groupKey: body.groupKey, status: body.status };
    let backoff = this.opts.initialBackoffMs;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.stopping.signal.aborted) {
        log.warn({ ...what, attempt }, 'alert notification abandoned: Clew is stopping');
        return;
      }
      const result = await this.post(hook, body);
      if (result.ok) {
        this.opts.onOutcome('success');
        return;
      }
      const last = attempt === maxAttempts || !result.retryable;
      this.opts.onOutcome(last ? 'gave_up' : 'error');
      if (last) {
        const why = result.retryable ? `given up after ${maxAttempts} attempts (alerting.retry.maxAttempts)` : 'not retried, since the receiver refused the body';
        log.error({ ...what, attempt, reason: result.reason }, `alert notification not delivered: ${result.reason}; ${why}`);
        return;
      }
      log.warn({ ...what, attempt, reason: result.reason, retryInMs: backoff }, `alert notification failed (${result.reason}); retrying in ${backoff} ms`);
      await this.wait(backoff);
      backoff = Math.min(backoff * 2, this.opts.maxBackoffMs);
    }
  }

  private async post(hook: WebhookConfig, body: AlertmanagerWebhookBody): Promise<{ ok: true } | { ok: false; retryable: boolean; reason: string }> {
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Clew', ...hook.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      return { ok: false, retryable: res.status === 429 || res.status >= 500, reason: `HTTP ${res.status}` };
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms (alerting.timeout)` : errorText(err);
      return { ok: false, retryable: true, reason };
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopping.signal.addEventListener('abort', done, { once: true });
    });
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
