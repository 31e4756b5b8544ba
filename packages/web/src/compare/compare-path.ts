/** The compare page's address for two traces: `/compare/A...B`, the form Jaeger UI uses for its trace diff. */
export const compareUrl = (a: string, b: string): string => `/compare/${a}...${b}`;

/** The two ids of a `/compare/A...B` segment, or null when it is not two ids around `...`. */
export function parseComparePair(segment: string): { a: string; b: string } | null {
  const parts = segment.split('...');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return null;
  return { a: parts[0]!.trim(), b: parts[1]!.trim() };
}
