// `node --import @clew/node/register app.js`: starts the SDK from the OTEL_* environment before the application
// loads, so its imports (http, express, fastify, pino, winston, …) are instrumented, and flushes on the way out.
import { installShutdownHooks } from './shutdown-hooks.js';
import { start } from './start.js';

installShutdownHooks(start());
