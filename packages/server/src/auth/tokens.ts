import { createHash, randomBytes } from 'node:crypto';

/** A new token: `clew_` and 32 random bytes in base64url (256 bits; never stored, only its hash is). */
export function createToken(): string {
  return `clew_${randomBytes(32).toString('base64url')}`;
}

/**
 * How a token is written in the config: `sha256:` and the hex digest. A plain SHA-256 suffices for a random
 * 256-bit secret (nothing to guess, unlike a password), and costs microseconds per request.
 */
export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export const TOKEN_HASH = /^sha256:[0-9a-f]{64}$/;
