import type { SessionResponse } from '@clew/api';
import { ROUTES } from '@clew/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from './authenticator.js';

/**
 * `GET /api/clew/v1/session`: who the request is, for the UI's header and tenant picker. The auth hook has already
 * checked the token (a read or admin one) when auth is on; without auth everyone is the default tenant.
 */
export function sessionRoute(authenticator: Authenticator | undefined) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(ROUTES.session, async (request: FastifyRequest): Promise<SessionResponse> => {
      if (authenticator === undefined) return { auth: false, tenant: request.tenant, scope: null, tenants: [request.tenant] };
      const id = authenticator.authenticate(request.headers.authorization, undefined, 'read');
      const tenants = id.tenants === '*' ? [request.tenant] : [...new Set([id.tenant, ...id.tenants])];
      return { auth: true, tenant: request.tenant, scope: request.scope, tenants: tenants.includes(request.tenant) ? tenants : [...tenants, request.tenant] };
    });
  };
}
