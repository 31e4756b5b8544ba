import type { TokenScope } from '@clew/api';
import type { Tenant } from '@clew/model';
import { isValidTenant } from '@clew/model';
import { ClewError } from '../errors.js';
import { hashToken } from './tokens.js';

/** One `auth.tokens` entry of the config: the hash of a token, whose it is and what it may do. */
export interface TokenEntry {
  readonly hash: string;
  readonly tenant: Tenant;
  readonly scope: TokenScope;
  /** A label for logs (never the token). */
  readonly name?: string | undefined;
  /** Admin tokens only: the other tenants `X-Scope-OrgID` may pick, or `*` for any. */
  readonly tenants?: readonly Tenant[] | '*' | undefined;
}

/** What a request needs of its token: to write spans, to read them, or just to be known (sampling strategies). */
export type Need = 'write' | 'read' | 'any';

/** Who a request is, once its token checked out. */
export interface Identity {
  /** The tenant it writes or reads (its token's, or the one `X-Scope-OrgID` picked). */
  readonly tenant: Tenant;
  readonly scope: TokenScope;
  /** The tenants this token may pick; `*` for any. */
  readonly tenants: readonly Tenant[] | '*';
  readonly name: string | undefined;
}

const MAY: Record<Need, ReadonlySet<TokenScope>> = {
  write: new Set(['write', 'admin']),
  read: new Set(['read', 'admin']),
  any: new Set(['write', 'read', 'admin']),
};

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Checks tokens against the hashes of `auth.tokens`. Refusals are ClewErrors each protocol answers in its own
 * envelope: UNAUTHENTICATED (401) without a token or with one not configured, FORBIDDEN (403) for a scope or a
 * tenant the token does not hold. Messages never repeat the token.
 */
export class Authenticator {
  private readonly byHash: ReadonlyMap<string, TokenEntry>;

  constructor(tokens: readonly TokenEntry[]) {
    this.byHash = new Map(tokens.map((t) => [t.hash, t]));
  }

  /**
   * The identity of a request from its `Authorization` header (`Bearer <token>`, as the OTel SDK's
   * OTEL_EXPORTER_OTLP_HEADERS sends it; a bare token is taken too) and its `X-Scope-OrgID`, for what it needs.
   */
  authenticate(authorization: string | undefined, orgId: string | undefined, need: Need): Identity {
    const token = tokenOf(authorization);
    if (token === undefined) {
      throw new ClewError('UNAUTHENTICATED', 'authentication required: send a token as "Authorization: Bearer <token>"');
    }
    const entry = this.byHash.get(hashToken(token));
    if (entry === undefined) throw new ClewError('UNAUTHENTICATED', 'the token is not valid');
    if (!MAY[need].has(entry.scope)) {
      throw new ClewError('FORBIDDEN', `a ${entry.scope} token may not ${need === 'write' ? 'write spans' : 'read'}`);
    }
    const tenants = entry.scope === 'admin' ? (entry.tenants ?? [entry.tenant]) : [entry.tenant];
    const identity = { tenant: entry.tenant, scope: entry.scope, tenants, name: entry.name };
    const picked = orgId?.trim();
    if (picked === undefined || picked === '' || picked === entry.tenant) return identity;
    if (!isValidTenant(picked)) throw new ClewError('BAD_PARAMETER', `X-Scope-OrgID is not a tenant name: letters, digits and _ . - only, at most 64`);
    if (tenants === '*' || tenants.includes(picked)) return { ...identity, tenant: picked };
    throw new ClewError('FORBIDDEN', `this token may not use tenant "${picked}" (X-Scope-OrgID)`);
  }
}

function tokenOf(authorization: string | undefined): string | undefined {
  const value = authorization?.trim();
  if (value === undefined || value === '') return undefined;
  const bearer = BEARER.exec(value);
  if (bearer) return bearer[1];
  // A bare token (what some exporters' header settings end up sending); anything else with a space is another scheme.
  return /\s/.test(value) ? undefined : value;
}
