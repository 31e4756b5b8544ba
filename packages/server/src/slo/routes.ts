import type { SloDetailResponse, SloResponse, SlosResponse, SloView } from '@clew/api';
import { ROUTES, SLO_ERROR_STATUS, SloDefinitionSchema } from '@clew/api';
import type { Millis } from '@clew/analysis';
import type { MetricsStore } from '@clew/storage';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { apiErrorHandler } from '../api/error-handler.js';
import { decorateTenant } from '../auth/request-tenant.js';
import { nativeErrorReply } from '../api/native/error-body.js';
import { parseWith } from '../api/native/parse-params.js';
import { metricsReaderFor } from '../query/tenant-readers.js';
import type { AlertStates } from './alert-state.js';
import type { SloReading } from './evaluate.js';
import { readSlo } from './evaluate.js';
import type { RegisteredSlo, SloRefusal, SloRegistry } from './registry.js';
import { sloDetail, sloView } from './view.js';

export interface SloRoutesOptions {
  readonly registry: SloRegistry;
  readonly store: MetricsStore;
  readonly states: AlertStates;
  readonly now: () => Millis;
}

/** A refused change, answered in the native API's envelope with the SLO routes' codes. */
class SloRefused extends Error {
  constructor(readonly refusal: SloRefusal) {
    super(refusal.message);
  }
}

const IdParamsSchema = z.object({ id: SloDefinitionSchema.shape.id });

/**
 * The SLO routes of the native API (`/api/clew/v1/slos`, `/api/clew/v1/slos/:id`). A fastify plugin with its own
 * error handler: the native API's envelope, plus SLO_NOT_FOUND (404), SLO_READ_ONLY and SLO_EXISTS (409).
 * Each answer measures the SLO at the time of the request; the alert states are those of the last evaluation.
 * Every route lists, reads and changes the request's tenant's SLOs only, measured over its span metrics.
 */
export function sloRoutes(o: SloRoutesOptions): FastifyPluginAsync {
  const nativeErrors = apiErrorHandler('slo api', (reply, err) => {
    const { status, body } = nativeErrorReply(err);
    return reply.code(status).send(body);
  });
  const measure = async (slo: RegisteredSlo): Promise<{ view: SloView; reading: SloReading }> => {
    const [reading] = await Promise.all([readSlo(metricsReaderFor(o.store, slo.tenant), slo.definition, o.now()), o.states.load(slo.tenant)]);
    return { view: sloView(slo, reading, o.states.firingSince(slo.tenant, slo.definition.id)), reading };
  };
  const idOf = (request: FastifyRequest) => parseWith(IdParamsSchema, request.params).id;

  return async (app: FastifyInstance) => {
    decorateTenant(app);
    app.setErrorHandler((err: Error, request: FastifyRequest, reply: FastifyReply) => {
      if (!(err instanceof SloRefused)) return nativeErrors(err, request, reply);
      const { code, message, field } = err.refusal;
      const status = code === 'BAD_PARAMETER' ? 400 : SLO_ERROR_STATUS[code];
      return reply.code(status).send({ error: { code, message, ...(field !== undefined && field !== '' && { parameter: field }) } });
    });

    app.get(ROUTES.slos, async (request): Promise<SlosResponse> => {
      const slos = await o.registry.list(request.tenant);
      return { slos: (await Promise.all(slos.map(measure))).map((m) => m.view) };
    });

    app.post(ROUTES.slos, async (request, reply): Promise<SloResponse> => {
      const change = await o.registry.create(request.tenant, request.body);
      if (!change.ok) throw new SloRefused(change);
      reply.code(201);
      return { slo: (await measure(change.slo)).view };
    });

    app.get(ROUTES.slo, async (request): Promise<SloDetailResponse> => {
      const id = idOf(request);
      const slo = await o.registry.get(request.tenant, id);
      if (slo === undefined) throw new SloRefused({ code: 'SLO_NOT_FOUND', message: `no SLO has the id "${id}"` });
      const { view, reading } = await measure(slo);
      return sloDetail(view, reading);
    });

    app.put(ROUTES.slo, async (request, reply): Promise<SloResponse> => {
      const change = await o.registry.replace(request.tenant, idOf(request), request.body);
      if (!change.ok) throw new SloRefused(change);
      reply.code(change.created ? 201 : 200);
      return { slo: (await measure(change.slo)).view };
    });

    app.delete(ROUTES.slo, async (request, reply) => {
      const done = await o.registry.remove(request.tenant, idOf(request));
      if (!done.ok) throw new SloRefused(done);
      return reply.code(204).send();
    });
  };
}
