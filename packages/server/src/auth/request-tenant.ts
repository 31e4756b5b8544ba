import type { Tenant } from '@clew/model';
import { DEFAULT_TENANT } from '@clew/model';
import type { FastifyInstance } from 'fastify';
import type { TokenScope } from '@clew/api';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Whose data this request writes or reads: the token's tenant (or the one an admin token picked with
     * `X-Scope-OrgID`); DEFAULT_TENANT without auth. Routes read and write only this tenant's spans and metrics.
     */
    tenant: Tenant;
    /** The scope of the request's token; null without auth or on a route that needs none. */
    scope: TokenScope | null;
    /** The `name` of the request's token in auth.tokens, when it has one; null without auth. */
    tokenName: string | null;
  }
}

/**
 * Gives every request of `app` its tenant (DEFAULT_TENANT until the auth hook says otherwise). Idempotent: the HTTP
 * app does it for every listener, and each API plugin again for apps that tests build around it alone.
 */
export function decorateTenant(app: FastifyInstance): void {
  if (!app.hasRequestDecorator('tenant')) app.decorateRequest('tenant', DEFAULT_TENANT);
  if (!app.hasRequestDecorator('scope')) app.decorateRequest('scope', null);
  if (!app.hasRequestDecorator('tokenName')) app.decorateRequest('tokenName', null);
}
