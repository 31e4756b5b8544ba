import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { alertmanagerWebhookBody } from '@clew/analysis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from './testing/webhook-receiver.js';
import type { DeliveryOutcome } from './webhook-sender.js';
import { WebhookSender } from './webhook-sender.js';

const T0 = Date.UTC(2025, 0, 1);
const body = (status: 'firing' | 'resolved', rule = 'page-1h-5m') =>
  alertmanagerWebhookBody({
    receiver: 'clew',
    groupBy: ['alertname', 'slo', 'rule'],
    alerts: [{ status, labels: { alertname: 'SLOBurnRate', slo: 'checkout', rule, severity: 'page' }, startsAt: T0, ...(status === 'resolved' && { endsAt: T0 + 60_000 }) }],
  });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A sender with millisecond backoffs, recording outcomes and log lines. */
function sender(maxAttempts = 4) {
  const outcomes: DeliveryOutcome[] = [];
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  const s = new WebhookSender({ maxAttempts, initialBackoffMs: 5, maxBackoffMs: 20, timeoutMs: 2000, log, onOutcome: (o) => outcomes.push(o) });
  cleanups.push(() => s.stop());
  return { s, outcomes, lines };
}

describe('WebhookSender', () => {
  it('posts the body as JSON with the configured headers', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(receiver.close);
    const { s, outcomes } = sender();
    s.send({ url: receiver.url, headers: { authorization: 'Bearer t0k3n' }, receiver: 'clew' }, body('firing'));
    await s.idle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toEqual(body('firing'));
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
    expect(receiver.received[0]!.headers.authorization).toBe('Bearer t0k3n');
    expect(outcomes).toEqual(['success']);
  });

  it('retries a 5xx and a 429 with backoff, logging each failure, until it is delivered', async () => {
    const receiver = await startWebhookReceiver([503, 429]);
    cleanups.push(receiver.close);
    const { s, outcomes, lines } = sender();
    s.send({ url: receiver.url, headers: {}, receiver: 'clew' }, body('firing'));
    await s.idle();
    expect(receiver.received.map((r) => r.answered)).toEqual([503, 429, 200]);
    expect(outcomes).toEqual(['error', 'error', 'success']);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
      'alert notification failed (HTTP 503); retrying in 5 ms',
      'alert notification failed (HTTP 429); retrying in 10 ms',
    ]);
  });

  it('gives up after maxAttempts, and at once on another 4xx', async () => {
    const receiver = await startWebhookReceiver([500, 500, 500, 400]);
    cleanups.push(receiver.close);
    const { s, outcomes, lines } = sender(3);
    s.send({ url: receiver.url, headers: {}, receiver: 'clew' }, body('firing'));
    await s.idle();
    s.send({ url: receiver.url, headers: {}, receiver: 'clew' }, body('firing', 'page-6h-30m'));
    await s.idle();
    expect(receiver.received).toHaveLength(4);
    expect(outcomes).toEqual(['error', 'error', 'gave_up', 'gave_up']);
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      'alert notification not delivered: HTTP 500; given up after 3 attempts (alerting.retry.maxAttempts)',
      'alert notification not delivered: HTTP 400; not retried, since the receiver refused the body',
    ]);
  });

  it('retries a receiver that is not listening', async () => {
    // A port that was free a moment ago: connections to it are refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { s, outcomes } = sender(2);
    s.send({ url: `http://127.0.0.1:${port}/alerts`, headers: {}, receiver: 'clew' }, body('firing'));
    await s.idle();
    expect(outcomes).toEqual(['error', 'gave_up']);
  });

  it('keeps the order of one alert group: a resolved waits for its firing to be delivered', async () => {
    const receiver = await startWebhookReceiver([500, 500]);
    cleanups.push(receiver.close);
    const { s } = sender();
    const hook = { url: receiver.url, headers: {}, receiver: 'clew' };
    s.send(hook, body('firing'));
    s.send(hook, body('resolved'));
    await s.idle();
    expect(receiver.received.map((r) => `${r.body.status} ${r.answered}`)).toEqual(['firing 500', 'firing 500', 'firing 200', 'resolved 200']);
  });
});
