import { hashToken } from '@clew/server';

/**
 * Two teams' tokens for tests with auth on: each team writes and reads with its own, and an admin token is team-a's
 * and may act as team-b (X-Scope-OrgID). Tokens are any secret text and the config holds only their hashes; fixed
 * here, so that a failure reproduces.
 */
export const TEAM_TOKENS = {
  aWrite: 'clew_test-a-write-0123456789abcdefghijklmnopqrstuv',
  aRead: 'clew_test-a-read-0123456789abcdefghijklmnopqrstuvw',
  bWrite: 'clew_test-b-write-0123456789abcdefghijklmnopqrstuv',
  bRead: 'clew_test-b-read-0123456789abcdefghijklmnopqrstuvw',
  admin: 'clew_test-admin-0123456789abcdefghijklmnopqrstuvwx',
} as const;

/** The `auth.tokens` entries of TEAM_TOKENS, as lines of a YAML list indented for `auth: tokens:`. */
export const TEAM_TOKEN_ENTRIES = `    - { hash: ${hashToken(TEAM_TOKENS.aWrite)}, tenant: team-a, scope: write }
    - { hash: ${hashToken(TEAM_TOKENS.aRead)}, tenant: team-a, scope: read }
    - { hash: ${hashToken(TEAM_TOKENS.bWrite)}, tenant: team-b, scope: write }
    - { hash: ${hashToken(TEAM_TOKENS.bRead)}, tenant: team-b, scope: read }
    - { hash: ${hashToken(TEAM_TOKENS.admin)}, tenant: team-a, scope: admin, tenants: [team-b] }`;
