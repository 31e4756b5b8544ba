import { pino } from 'pino';

/** The service's logger; @clew/node's pino instrumentation adds trace_id and span_id to records made inside a span. */
export const log = pino({ base: { service: process.env.OTEL_SERVICE_NAME } });
