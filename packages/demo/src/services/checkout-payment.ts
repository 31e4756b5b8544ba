import { withSpan } from '@clew/node';
import { setTimeout as sleep } from 'node:timers/promises';
import { callJson, HttpError } from '../lib/http-json.js';

/**
 * Charges an order, retrying the payment service's 503s with exponential backoff and jitter, in a `charge-payment`
 * span: each attempt is its own client span, each retry an event, and a final failure an error with the last cause.
 */
export function chargeWithRetries(paymentUrl: string, orderId: string, amountCents: number, attempts: number): Promise<string> {
  return withSpan(
    'charge-payment',
    async (span) => {
      for (let attempt = 1; ; attempt++) {
        span.setAttribute('payment.attempts', attempt);
        try {
          const { chargeId } = await callJson<{ chargeId: string }>('POST', `${paymentUrl}/charges`, { orderId, amountCents });
          return chargeId;
        } catch (err) {
          if (!(err instanceof HttpError) || err.status !== 503 || attempt >= attempts) throw err;
          const delayMs = Math.round(50 * 2 ** (attempt - 1) * (0.5 + Math.random()));
          span.addEvent('retry', { 'retry.attempt': attempt, 'retry.delay_ms': delayMs, 'http.response.status_code': err.status });
          await sleep(delayMs);
        }
      }
    },
    { attributes: { 'order.id': orderId, 'payment.max_attempts': attempts } },
  );
}
