import type { Span } from '@opentelemetry/api';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { WithSpanOptions } from './options.js';

const TRACER_NAME = '@clew/node';

/**
 * Runs `fn` inside a new active span named `name` (a child of the current span, if any) and returns its result.
 * When `fn` throws or rejects, the exception is recorded on the span, its status set to ERROR, and the error
 * rethrown; the span ends either way.
 * @example const order = await withSpan('reserve-stock', async (span) => { span.setAttribute('sku', sku); return reserve(sku); });
 */
export function withSpan<T>(name: string, fn: (span: Span) => T | Promise<T>, options: WithSpanOptions = {}): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(name, { attributes: options.attributes, kind: options.kind }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw err;
    } finally {
      span.end();
    }
  });
}
