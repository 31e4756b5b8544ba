/** A trace id as typed or pasted: 16 or 32 hex digits, maybe with spaces, dashes or quotes around it. */
export function parseTraceIdInput(text: string): string | undefined {
  const hex = text.trim().replace(/^["']|["']$/g, '').replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{16}$|^[0-9a-f]{32}$/.test(hex)) return undefined;
  return hex.padStart(32, '0');
}
