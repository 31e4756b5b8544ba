import { withSpan } from '@clew/node';
import type { Attributes, Span } from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { QueuedMessage } from '../services/queue.js';
import { callJson } from './http-json.js';

const SYSTEM = 'clew_demo_queue';

/** The broker's HTTP traffic is transport, not work: the messaging spans stand for it, as amqplib's or kafkajs's do. */
const untraced = <T>(fn: () => Promise<T>) => context.with(suppressTracing(context.active()), fn);

/**
 * Publishes `body` to `topic` in a PRODUCER span (`send <topic>`), with the span's context injected into the
 * message headers by the propagation API, so the consumer continues the trace.
 */
export function publish(queueUrl: string, topic: string, body: unknown, attributes: Attributes = {}): Promise<string> {
  return withSpan(
    `send ${topic}`,
    async (span) => {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      const { id } = await untraced(() => callJson<{ id: string }>('POST', `${queueUrl}/topics/${topic}/messages`, { headers, body }));
      span.setAttribute('messaging.message.id', id);
      return id;
    },
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': SYSTEM,
        'messaging.destination.name': topic,
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        ...attributes,
      },
    },
  );
}

/**
 * Takes messages from `topic` one at a time until `signal` aborts, each handled in a CONSUMER span
 * (`process <topic>`) whose parent is the producer's span and which also links to it, as the messaging conventions
 * describe for a consumer that processes one message at a time.
 */
export async function consume(
  queueUrl: string,
  topic: string,
  group: string,
  signal: AbortSignal,
  handle: (body: unknown, span: Span) => Promise<void>,
): Promise<void> {
  const tracer = trace.getTracer('@clew/demo');
  while (!signal.aborted) {
    let res: Response;
    try {
      res = await untraced(() => fetch(`${queueUrl}/topics/${topic}/messages/next?waitMs=1000`, { signal }));
    } catch {
      if (signal.aborted) return;
      await new Promise((r) => setTimeout(r, 500)); // the broker is restarting or gone: back off, try again
      continue;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      continue;
    }
    const m = (await res.json()) as QueuedMessage;
    const parent = propagation.extract(ROOT_CONTEXT, m.headers);
    const producer = trace.getSpanContext(parent);
    await tracer.startActiveSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        links: producer ? [{ context: producer }] : [],
        attributes: {
          'messaging.system': SYSTEM,
          'messaging.destination.name': topic,
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.consumer.group.name': group,
          'messaging.message.id': m.id,
        },
      },
      parent,
      async (span) => {
        try {
          await handle(m.body, span);
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        } finally {
          span.end();
        }
      },
    );
  }
}
