// `node --import @clew/node/register app.js`: starts the SDK from the OTEL_* environment before the application
// loads, so its imports (http, express, fastify, pino, winston, …) are instrumented; start() flushes on the way out.
import { start } from './start.js';

start();
