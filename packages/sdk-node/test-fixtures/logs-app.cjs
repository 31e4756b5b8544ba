// A CommonJS service (require, not import) under `node --import @clew/node/register`: GET /log writes one pino and
// one winston record and answers with the active span's ids.
const http = require('node:http');
const { trace } = require('@opentelemetry/api');
const pino = require('pino');
const winston = require('winston');

const pinoLogger = pino({ base: undefined });
const winstonLogger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Console()] });

const server = http.createServer((req, res) => {
  pinoLogger.info({ check: 'pino' }, 'log-check');
  winstonLogger.info('log-check', { check: 'winston' });
  const ctx = trace.getActiveSpan()?.spanContext();
  res.setHeader('content-type', 'application/json').end(JSON.stringify({ traceId: ctx?.traceId, spanId: ctx?.spanId }));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ ready: server.address().port })));
