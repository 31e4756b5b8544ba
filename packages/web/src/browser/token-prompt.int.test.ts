import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postProto } from '@clew/testing/payloads';
import { useClewProcess, waitForStore } from '@clew/testing/clew-process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtures } from './fixtures.js';
import { useBrowser } from './use-browser.js';
import { waitUntil } from './wait-for-count.js';

/*
 * Clew with auth on: the config names tokens by their SHA-256 only. One read token and one write token, both of
 * team-a. The UI must ask for a token on the first 401, refuse a wrong one (and say why), show the 403 message for
 * the write token, and with the read token show the services page and the tenant it reads.
 */
const READ_TOKEN = 'clew-ui-test-read-7f3a9c';
const WRITE_TOKEN = 'clew-ui-test-write-2b81d0';
const sha256 = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex')}`;

const configDir = mkdtempSync(join(tmpdir(), 'clew-token-prompt-'));
const configFile = join(configDir, 'clew.yaml');
writeFileSync(
  configFile,
  [
    // Metrics flushed within a second, so the services page lists the service without the test waiting long.
    'metrics:',
    '  flushInterval: 200ms',
    'auth:',
    '  tokens:',
    `    - { hash: '${sha256(READ_TOKEN)}', tenant: 'team-a', scope: 'read' }`,
    `    - { hash: '${sha256(WRITE_TOKEN)}', tenant: 'team-a', scope: 'write' }`,
    '',
  ].join('\n'),
);
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

const clew = useClewProcess(['--config', configFile]);
const browser = useBrowser();
const { checkout } = buildFixtures();

async function apiGet(path: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${clew().query}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  const res = await postProto(clew().otlpHttp, checkout.spans, { authorization: `Bearer ${WRITE_TOKEN}` });
  if (res.status !== 200) throw new Error(`OTLP POST answered ${res.status}: ${await res.text()}`);
  await waitUntil(async () => {
    const r = await apiGet(`/api/clew/v1/metrics/services?from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`, READ_TOKEN);
    return r.body?.services?.some((s: { service: string }) => s.service === 'frontend') === true;
  }, "team-a's services in the metrics", 30_000);
  // The trace page reads the store, which the writer fills a batch after the counts.
  await waitForStore(clew().query);
});

/** What the page keeps of the token (evaluated in the page, where the DOM's globals are). */
async function kept(page: Page): Promise<{ session: string | null; local: string; url: string }> {
  return page.evaluate<{ session: string | null; local: string; url: string }>(
    "({ session: sessionStorage.getItem('clew.token'), local: JSON.stringify({ ...localStorage }), url: location.href })",
  );
}

/** The token prompt: a modal dialog named "Sign in to Clew" with a password field labelled "Access token". */
function prompt(page: Page) {
  const dialog = page.getByRole('dialog', { name: 'Sign in to Clew' });
  return { dialog, field: dialog.getByLabel('Access token'), submit: dialog.getByRole('button', { name: 'Sign in' }), error: dialog.getByRole('alert') };
}

describe('token prompt (auth on)', () => {
  it('the API answers 401 without a token, with the Bearer challenge', async () => {
    const res = await fetch(`${clew().query}/api/clew/v1/services`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="clew"');
    expect(((await res.json()) as any).error.code).toBe('UNAUTHENTICATED');
  });

  it('asks for a token, refuses a wrong one, and with the right one shows the services and the tenant', async () => {
    const page = await browser.open(`${clew().query}/`);
    const p = prompt(page);
    await p.dialog.waitFor();
    expect(await p.field.getAttribute('type')).toBe('password');
    // Modal: the page behind cannot be reached while it is up.
    expect(await page.evaluate<boolean>("document.querySelector('dialog').matches(':modal')")).toBe(true);

    await p.field.fill('not-a-token-clew-knows');
    await p.submit.click();
    await p.error.waitFor();
    expect(await p.error.textContent()).toContain('does not know this token');
    expect(await p.field.getAttribute('aria-invalid')).toBe('true');
    expect((await kept(page)).session).toBeNull();

    await p.field.fill(READ_TOKEN);
    await p.submit.click();
    await p.dialog.waitFor({ state: 'hidden' });
    await page.locator('.services-table tbody tr').filter({ hasText: 'frontend' }).waitFor();
    expect(await page.getByTestId('tenant').textContent()).toBe('team-a');

    // Kept for the tab only: in sessionStorage, not localStorage, not the URL.
    const { session, local, url } = await kept(page);
    expect(session).toBe(READ_TOKEN);
    expect(local).not.toContain(READ_TOKEN);
    expect(url).not.toContain(READ_TOKEN);
  });

  it('shows the 403 message for a token that may not read, not the prompt again', async () => {
    const page = await browser.open(`${clew().query}/`);
    const p = prompt(page);
    await p.dialog.waitFor();
    await p.field.fill(WRITE_TOKEN);
    await p.submit.click();
    await p.error.waitFor();
    const forbidden = await apiGet('/api/clew/v1/session', WRITE_TOKEN);
    expect(forbidden.status).toBe(403);
    expect(await p.error.textContent()).toContain(forbidden.body.error.message);
    expect((await kept(page)).session).toBeNull();
  });

  it('sign out forgets the token and asks again', async () => {
    const page = await browser.open(`${clew().query}/`);
    const p = prompt(page);
    await p.dialog.waitFor();
    await p.field.fill(READ_TOKEN);
    await p.submit.click();
    await page.getByTestId('tenant').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await p.dialog.waitFor();
    expect((await kept(page)).session).toBeNull();
    expect(await page.getByTestId('tenant').count()).toBe(0);
  });

  it("downloads a trace's OTLP JSON with the token (a plain link could not send it)", async () => {
    const page = await browser.open(`${clew().query}/trace/${checkout.traceId}`);
    const p = prompt(page);
    await p.dialog.waitFor();
    await p.field.fill(READ_TOKEN);
    await p.submit.click();
    await page.locator('[role=treeitem]').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download OTLP JSON' }).click()]);
    expect(download.suggestedFilename()).toBe(`trace-${checkout.traceId}.otlp.json`);
    const body = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(body.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans))).toHaveLength(checkout.spans.length);
  });

  it('the session names the tenant and scope of the read token', async () => {
    expect(await apiGet('/api/clew/v1/session', READ_TOKEN)).toEqual({ status: 200, body: { auth: true, tenant: 'team-a', scope: 'read', tenants: ['team-a'] } });
  });
});
