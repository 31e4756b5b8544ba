// A Fastify service run under `node --import @clew/node/register`; answers with the active span's ids.
import { trace } from '@opentelemetry/api';
import Fastify from 'fastify';

const app = Fastify();

app.get('/ids', async () => {
  const ctx = trace.getActiveSpan()?.spanContext();
  return { traceId: ctx?.traceId, spanId: ctx?.spanId, traceFlags: ctx?.traceFlags };
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ ready: Number(new URL(address).port) }));
