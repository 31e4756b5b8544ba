import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS, securityHeaders } from './security-headers.js';

const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function app(): Promise<FastifyInstance> {
  const a = Fastify();
  apps.push(a);
  securityHeaders(a);
  a.get('/json', async () => ({ ok: true }));
  a.get('/own-policy', async (_req, reply) => reply.header('content-security-policy', "default-src 'none'").send('x'));
  await a.ready();
  return a;
}

describe('securityHeaders', () => {
  it.each(['/json', '/missing'])('sends every header on %s', async (url) => {
    const res = await (await app()).inject({ method: 'GET', url });
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name]).toBe(value);
  });

  it('leaves a policy a route set itself', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/own-policy' });
    expect(res.headers['content-security-policy']).toBe("default-src 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('allows no inline script and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});
