// An Express service run under `node --import @clew/node/register`. Every route answers with the ids of the span
// that is active while it runs, so a test can find the trace in Clew.
import { context, propagation, trace } from '@opentelemetry/api';
import express from 'express';
import http from 'node:http';
import pino from 'pino';
import winston from 'winston';
import { withSpan } from '@clew/node';

const pinoLogger = pino({ base: undefined });
const winstonLogger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Console()] });

function activeIds() {
  const ctx = trace.getActiveSpan()?.spanContext();
  return { traceId: ctx?.traceId, spanId: ctx?.spanId, traceFlags: ctx?.traceFlags };
}

const app = express();

app.get('/ids', (_req, res) => {
  res.json(activeIds());
});

// The home page, which people open with a query string (`/?user=ada`).
app.get('/', (_req, res) => {
  res.json(activeIds());
});

// GET with node:http, answering the parsed JSON body.
function httpGetJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

// Calls `to` (with fetch, or node:http when via=http), adding a baggage entry to what came in, and returns the answer.
app.get('/forward', async (req, res) => {
  const bag = (propagation.getActiveBaggage() ?? propagation.createBaggage()).setEntry('shop.tenant', { value: 'acme' });
  const to = String(req.query.to);
  const downstream = await context.with(propagation.setBaggage(context.active(), bag), async () =>
    req.query.via === 'http' ? httpGetJson(to) : (await fetch(to)).json(),
  );
  res.json({ ...activeIds(), downstream });
});

app.get('/reserve', async (req, res) => {
  try {
    const ids = await withSpan('reserve-stock', async (span) => {
      span.setAttribute('sku', String(req.query.sku));
      if (req.query.fail) throw new Error(`out of stock: ${req.query.sku}`);
      return activeIds();
    }, { attributes: { 'shop.step': 'reserve' } });
    res.json(ids);
  } catch (err) {
    res.status(409).json({ ...activeIds(), error: err.message });
  }
});

app.get('/log', (_req, res) => {
  pinoLogger.info({ check: 'pino' }, 'log-check');
  winstonLogger.info('log-check', { check: 'winston' });
  res.json(activeIds());
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: server.address().port }));
});

// An application that shuts down gracefully on its own: the SDK flushes, and the process ends when the server is closed.
if (process.env.GRACEFUL_SHUTDOWN) process.on('SIGTERM', () => server.close());
