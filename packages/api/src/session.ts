import { z } from 'zod';

/** What a token may do: write spans, read them, or both and pick any tenant it is given (`X-Scope-OrgID`). */
export const TokenScopeSchema = z.enum(['write', 'read', 'admin']);
export type TokenScope = z.infer<typeof TokenScopeSchema>;

/**
 * `GET /api/clew/v1/session`: who the request is. Without auth: `{ auth: false, tenant: 'default', scope: null }`,
 * answered to anyone. With auth it needs a read or admin token (else 401/403 as any API) and names its tenant.
 * @example { "auth": true, "tenant": "team-a", "scope": "read", "tenants": ["team-a"] }
 */
export const SessionResponseSchema = z.object({
  auth: z.boolean(),
  /** The tenant this request reads. */
  tenant: z.string(),
  scope: TokenScopeSchema.nullable(),
  /** Tenants the token may read (`X-Scope-OrgID` picks one of them); just `tenant` unless the token is an admin's. */
  tenants: z.array(z.string()),
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;
