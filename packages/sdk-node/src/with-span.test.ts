import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from './with-span.js';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
beforeEach(() => exporter.reset());

describe('withSpan', () => {
  it('returns the callback\'s result and ends the span with its attributes and kind', async () => {
    const result = await withSpan('price-cart', (span) => {
      span.setAttribute('cart.items', 3);
      return 42;
    }, { attributes: { currency: 'EUR' }, kind: SpanKind.CLIENT });
    expect(result).toBe(42);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'price-cart', kind: SpanKind.CLIENT, attributes: { currency: 'EUR', 'cart.items': 3 }, status: { code: SpanStatusCode.UNSET } });
  });

  it.each([
    ['throws', () => { throw new TypeError('no such sku'); }, 'TypeError', 'no such sku'],
    ['rejects', () => Promise.reject(new Error('payment declined')), 'Error', 'payment declined'],
    ['rejects with a string', () => Promise.reject('timeout'), 'Error', 'timeout'],
  ])('records the exception and ERROR status, ends the span and rethrows when the callback %s', async (_case, fn, type, message) => {
    await expect(withSpan('charge', fn)).rejects.toEqual(expect.anything());
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message });
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']])).toEqual([['exception', type, message]]);
  });

  it('rethrows the very value the callback threw', async () => {
    const thrown = new RangeError('quantity');
    await expect(withSpan('reserve', () => { throw thrown; })).rejects.toBe(thrown);
  });
});
