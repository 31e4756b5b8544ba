// A worker run under `node --import @clew/node/register` whose jobs are traces of their own, as a scheduler's are:
// `GET /run?job=NAME` runs the job as a new root span named NAME (not a child of the request's span), so the sampler
// decides on the job's name, and answers the job's trace id and whether it was sampled.
import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import http from 'node:http';
import { withSpan } from '@clew/node';

const server = http.createServer(async (req, res) => {
  const job = new URL(req.url, 'http://localhost').searchParams.get('job') ?? 'job';
  const ran = await context.with(ROOT_CONTEXT, () =>
    withSpan(job, async (span) => {
      const { traceId, traceFlags } = span.spanContext();
      return { traceId, sampled: (traceFlags & 1) === 1 };
    }),
  );
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ran));
});

server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ ready: server.address().port })));
