// The Fastify service of fastify-app.mjs as a CommonJS module: `require('fastify')` rather than `import`.
const { trace } = require('@opentelemetry/api');
const Fastify = require('fastify');

const app = Fastify();

app.get('/products/:id', async function productById(req) {
  const ctx = trace.getActiveSpan()?.spanContext();
  return { traceId: ctx?.traceId, spanId: ctx?.spanId, traceFlags: ctx?.traceFlags, id: req.params.id };
});

app.listen({ port: 0, host: '127.0.0.1' }).then((address) => {
  console.log(JSON.stringify({ ready: Number(new URL(address).port) }));
});
