import type { FastifyInstance } from 'fastify';

/**
 * The UI's Content-Security-Policy. The built index.html loads one module script and one stylesheet from /assets and
 * has nothing inline, so neither scripts nor `<style>` elements need 'unsafe-inline'; the style attributes React and
 * uPlot set go through the CSSOM (`element.style`), which CSP does not govern. `data:` images are for the icons
 * a stylesheet may embed. Everything else the UI fetches is this origin's API.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every response on the query port: the UI's pages and assets, and the API's JSON. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // A span's text served as JSON or plain text must never be sniffed into HTML.
  'x-content-type-options': 'nosniff',
  // frame-ancestors for current browsers, X-Frame-Options for the ones that predate it: no clickjacking via a frame.
  'x-frame-options': 'DENY',
  // Deep links carry trace ids and queries; they should not leave in a Referer to a site a span's URL points at.
  'referrer-policy': 'no-referrer',
};

/**
 * Adds SECURITY_HEADERS to every response of `app` (including 404s and errors), leaving any a route set itself.
 * An onSend hook rather than helmet: four fixed headers do not need a dependency and its defaults to audit.
 */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });
}
