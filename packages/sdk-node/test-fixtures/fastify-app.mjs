// A Fastify service (an ES module) run under `node --import @clew/node/register` or `--import ./instrument.mjs`;
// every route answers with the active span's ids.
import { trace } from '@opentelemetry/api';
import Fastify from 'fastify';

function activeIds() {
  const ctx = trace.getActiveSpan()?.spanContext();
  return { traceId: ctx?.traceId, spanId: ctx?.spanId, traceFlags: ctx?.traceFlags };
}

const app = Fastify();

app.get('/ids', async () => activeIds());

app.get('/products/:id', async function productById(req) {
  return { ...activeIds(), id: req.params.id };
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ ready: Number(new URL(address).port) }));
