/**
 * A trace id as typed or pasted: 16 (64-bit, as Zipkin and Jaeger clients make them) or 32 hex digits, maybe with
 * spaces, dashes or quotes around it; 32 digits out, a 64-bit id left-padded with zeros as it is stored.
 * @example parseTraceIdInput(' 00F067AA0BA902B7 ') // '000000000000000000f067aa0ba902b7'
 */
export function parseTraceIdInput(text: string): string | undefined {
  const hex = text.trim().replace(/^["']|["']$/g, '').replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{16}$|^[0-9a-f]{32}$/.test(hex)) return undefined;
  return hex.padStart(32, '0');
}

const HIGH_HALF_ZERO = '0'.repeat(16);

/**
 * A stored (32-digit) trace id as people know it: a 64-bit id as its 16 digits, so what is shown can be pasted back
 * into the jump box or a URL; a 128-bit id whole.
 */
export function displayTraceId(id: string): string {
  return id.length === 32 && id.startsWith(HIGH_HALF_ZERO) ? id.slice(16) : id;
}

/** The first 8 digits of the displayed id: enough to tell traces apart in a tab title. */
export const shortTraceId = (id: string): string => displayTraceId(id).slice(0, 8);
