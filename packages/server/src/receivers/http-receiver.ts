import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClewError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { refusalReason } from '../observability/metrics.js';
import { fastifyErrorToClew } from './fastify-error.js';

export interface HttpReceiverSetup {
  /** The `protocol` label of the metrics. */
  readonly protocol: string;
  readonly metrics: Metrics;
  readonly maxRequestBytes: number;
  /** Writes a refusal in the protocol's own error format. */
  readonly sendError: (reply: FastifyReply, request: FastifyRequest, err: ClewError) => unknown;
}

/**
 * What every HTTP span receiver does to its (encapsulated) fastify app: takes bodies as raw bytes whatever their
 * Content-Type (the receiver decodes them), and turns every refusal, its own or fastify's, into a ClewError that
 * is counted and written in the protocol's format.
 */
export function setUpHttpReceiver(app: FastifyInstance, setup: HttpReceiverSetup): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const clewErr = fastifyErrorToClew(err, setup.maxRequestBytes);
    if (clewErr.code === 'INTERNAL') req.log.error({ err }, `${setup.protocol} request failed`);
    setup.metrics.requestsRefused.inc({ protocol: setup.protocol, reason: refusalReason(clewErr.code) });
    return setup.sendError(reply, req, clewErr);
  });
}
