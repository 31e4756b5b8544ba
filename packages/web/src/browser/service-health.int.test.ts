import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UnixNanos } from '@clew/model';
import { SpanKind } from '@clew/model';
import { makeTrace } from '@clew/model/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, useClewProcess, waitForStore } from '@clew/testing/clew-process';
import { healthTraffic } from '@clew/testing/health-traffic';
import { postProto } from '@clew/testing/payloads';
import { useBrowser } from './use-browser.js';
import { attributeOfAll, waitForCount, waitUntil } from './wait-for-count.js';

/*
 * The service health pages in real Chromium against a real `clew serve` that was sent known traffic over OTLP
 * (@clew/testing's health traffic: frontend → checkout → payment, checkout → shipping over kafka, frontend →
 * catalog → duckdb; every 5th payment fails with CardDeclinedError). 60 requests, 10 s apart, from 20 minutes ago:
 * every page's default window (the last hour) holds all of them, six to a minute.
 */
const MINUTE = 60_000;
const N = 60;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
// 5 s past each minute's start, so that no request sits on a step's boundary: six in every minute.
const traffic = healthTraffic(T0 + 5_000, N, 10_000);

// Metrics flushed and service-graph pairs waited for in well under a second, so the test does not wait on them.
const configDir = mkdtempSync(join(tmpdir(), 'clew-health-ui-'));
const configFile = join(configDir, 'clew.yaml');
writeFileSync(
  configFile,
  [
    'metrics:',
    '  flushInterval: 200ms',
    '  serviceGraphWait: 1s',
    'slos:',
    '  - id: frontend-availability',
    '    name: Frontend availability',
    '    service: frontend',
    '    objective: { kind: availability }',
    '    target: 0.99',
    '    window: 7d',
    '',
  ].join('\n'),
);
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

const clew = useClewProcess(['--config', configFile]);
const browser = useBrowser();

beforeAll(async () => {
  for (const spans of traffic.traces) {
    const res = await postProto(clew().otlpHttp, spans);
    if (res.status !== 200) throw new Error(`OTLP POST answered ${res.status}: ${await res.text()}`);
  }
  // Every request counted, and the calls from outside too: those edges are made when a root's wait for a caller
  // is over, and written with the next spans counted, so an internal span (which no page here shows) nudges them.
  const window = `from=${T0 - MINUTE}&to=${Date.now() + MINUTE}`;
  await waitUntil(
    async () => {
      const [s, m] = await Promise.all([getJson(`${clew().query}/api/clew/v1/metrics/services?${window}`), getJson(`${clew().query}/api/clew/v1/service-map?${window}`)]);
      const frontend = s.body.services?.find((x: { service: string }) => x.service === 'frontend');
      const user = m.body.edges?.find((e: { client: string; server: string }) => e.client === 'user' && e.server === 'frontend');
      if (frontend?.figures.count >= N && !(user?.count >= N)) await postProto(clew().otlpHttp, nudge());
      return frontend?.figures.count >= N && user?.count >= N;
    },
    'every request to be counted in the metrics',
    30_000,
  );
  // The search pages read the store, which the writer fills a batch after the counts.
  await waitForStore(clew().query);
});

const nudge = () => makeTrace((BigInt(Date.now()) * 1_000_000n) as UnixNanos, { service: 'frontend', name: 'tick', kind: SpanKind.INTERNAL, at: 0, ms: 1 });
const row = (page: Page, service: string) => page.locator(`.services-table tr[data-service="${service}"]`);
const figure = (page: Page, service: string, column: string) => row(page, service).locator(`td[data-column="${column}"] [data-testid=figure]`).textContent();
const serviceOrder = (page: Page) => attributeOfAll(page.locator('.services-table tbody tr'), 'data-service');

describe('Services page', () => {
  it('is the home page, and lists every server with its figures for the traffic sent', async () => {
    const page = await browser.open(`${clew().query}/`);
    await waitForCount(page.locator('.services-table tbody tr'), 4);
    expect(await serviceOrder(page)).toEqual(['catalog', 'checkout', 'frontend', 'payment']);
    expect(await page.title()).toBe('Services — Clew');
    // 60 requests in the hour: one a minute. Every 5th payment failed: 20%, and checkout with it.
    for (const s of ['catalog', 'checkout', 'frontend', 'payment']) expect(await figure(page, s, 'rate')).toBe('1/min');
    expect(await figure(page, 'payment', 'errorRate')).toBe('20%');
    expect(await figure(page, 'checkout', 'errorRate')).toBe('20%');
    expect(await figure(page, 'catalog', 'errorRate')).toBe('0%');
    for (const column of ['p50', 'p95', 'p99']) expect(await figure(page, 'payment', column)).toMatch(/^\d+(\.\d+)?ms$/);
    // Each row has its sparklines; nothing came before the traffic, so there is no change to show.
    expect(await row(page, 'payment').locator('svg.sparkline').count()).toBe(3);
    expect(await page.getByTestId('change').count()).toBe(0);
    // shipping only consumes: no server spans, so it is named apart rather than listed with empty figures.
    expect(await page.getByTestId('idle-services').textContent()).toContain('No server spans from shipping');
  });

  it('sorts by any column, both ways, and keeps the order in the URL', async () => {
    const page = await browser.open(`${clew().query}/`);
    await waitForCount(page.locator('.services-table tbody tr'), 4);
    await page.getByRole('button', { name: 'Errors' }).click();
    await page.waitForURL(/sort=errorRate/);
    // The URL changes before the table is drawn again: each order is waited for, not read once.
    await expect.poll(async () => (await serviceOrder(page)).slice(0, 2)).toEqual(['checkout', 'payment']);
    await page.getByRole('button', { name: 'p99' }).click();
    await page.waitForURL(/sort=p99&dir=desc/);
    // The slowest p99 is the root's, which waits for every call below it.
    await expect.poll(async () => (await serviceOrder(page))[0]).toBe('frontend');
    await page.getByRole('button', { name: 'p99' }).click();
    await page.waitForURL(/sort=p99&dir=asc/);
    await expect.poll(async () => (await serviceOrder(page))[3]).toBe('frontend');
  });

  it('reads other span kinds: the consumer is the queue worker', async () => {
    const page = await browser.open(`${clew().query}/`);
    await waitForCount(page.locator('.services-table tbody tr'), 4);
    await page.getByLabel('Span kind').selectOption('consumer');
    await page.waitForURL(/spanKind=consumer/);
    await waitForCount(page.locator('.services-table tbody tr'), 1);
    expect(await serviceOrder(page)).toEqual(['shipping']);
    await page.getByRole('link', { name: 'shipping' }).click();
    await page.waitForURL(/\/services\/shipping\?spanKind=consumer/);
  });
});

describe('a service page', () => {
  it('shows its charts, operations and errors; an operation narrows the charts', async () => {
    const page = await browser.open(`${clew().query}/services/payment`);
    await page.getByTestId('service-detail').waitFor();
    for (const chart of ['chart-latency', 'chart-rate', 'chart-errors']) await page.getByTestId(chart).locator('canvas').first().waitFor();
    expect(await page.locator('.operations-table tbody tr').count()).toBe(1);
    const op = page.locator('.operations-table tr[data-operation="charge"]');
    expect(await op.locator('td').nth(2).textContent()).toBe('20%');
    expect(await op.locator('.impact span').textContent()).toBe('100%');
    const errors = page.locator('.errors-table tbody tr');
    await waitForCount(errors, 1);
    expect(await errors.first().textContent()).toContain('CardDeclinedError');
    expect(await errors.first().textContent()).toContain('card declined by issuer');
    expect(await page.getByTestId('overflow-note').count()).toBe(0);

    await op.getByRole('button', { name: 'charge' }).click();
    await page.waitForURL(/operation=charge/);
    await page.locator('.operation-chip').filter({ hasText: 'charge' }).waitFor();
    expect(await page.title()).toBe('payment / charge — Clew');
  });

  it('a click on a chart point opens the search for that service, step and operation, slowest first', async () => {
    const page = await browser.open(`${clew().query}/services/payment?operation=charge`);
    const chart = page.getByTestId('chart-latency');
    await chart.locator('canvas').first().waitFor();
    // Aim at the minute five minutes into the traffic: the x axis runs from the first step to the last.
    const detail = await getJson(`${clew().query}/api/clew/v1/metrics/services/payment?from=${Date.now() - 3600_000}&to=${Date.now()}&operation=charge`);
    const xs: number[] = detail.body.series.map((p: { t: number }) => p.t);
    const target = T0 + 5 * MINUTE + 10_000;
    const over = chart.locator('.u-over');
    const box = (await over.boundingBox())!;
    await over.click({ position: { x: ((target - xs[0]!) / (xs[xs.length - 1]! - xs[0]!)) * box.width, y: box.height / 2 } });
    await page.waitForURL(/\/search\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('service')).toBe('payment');
    expect(url.searchParams.get('operation')).toBe('charge');
    expect(url.searchParams.get('spanKind')).toBe('server');
    expect(url.searchParams.get('sort')).toBe('duration');
    expect(url.searchParams.get('lookback')).toBe('custom');
    const start = Number(url.searchParams.get('start'));
    const end = Number(url.searchParams.get('end'));
    expect(end - start).toBe(detail.body.step);
    expect(start % MINUTE).toBe(0);
    expect(Math.abs(start - (T0 + 5 * MINUTE))).toBeLessThanOrEqual(MINUTE);
    // Six requests a minute: the step's traces, longest first.
    const rows = page.locator('table.results tbody tr');
    await waitForCount(rows, 6);
    expect(await page.getByLabel('Sort results').inputValue()).toBe('duration');
  });
});

describe('service map', () => {
  it('draws the services, the database and the calls from outside, with each edge\'s figures', async () => {
    const page = await browser.open(`${clew().query}/map`);
    await page.getByTestId('service-map').waitFor();
    await waitUntil(async () => (await page.locator('[data-node]').count()) >= 7, 'the map\'s nodes');
    const nodes = Object.fromEntries(
      await page.locator('[data-node]').evaluateAll((els) => els.map((el) => [(el as unknown as Attrs).getAttribute('data-node'), (el as unknown as Attrs).getAttribute('data-type')])),
    );
    expect(nodes).toEqual({ user: 'virtual', frontend: 'service', checkout: 'service', payment: 'service', shipping: 'service', catalog: 'service', duckdb: 'database' });
    const edges = (await attributeOfAll(page.locator('[data-edge]'), 'data-edge')).sort();
    expect(edges).toEqual(['catalog->duckdb', 'checkout->payment', 'checkout->shipping', 'frontend->catalog', 'frontend->checkout', 'user->frontend']);
    // The queue is drawn dashed; the failing call red, with its error rate on its label.
    expect(await page.locator('[data-edge="checkout->shipping"]').getAttribute('class')).toContain('async');
    const pay = page.locator('[data-edge="checkout->payment"]');
    expect(await pay.getAttribute('class')).toContain('failing');
    // About one call a minute (the map's window is not cut at whole minutes), 20% failed.
    expect(await pay.locator('text').allTextContents()).toEqual([expect.stringMatching(/^(1|0\.9\d+)\/min · p95 \d+(\.\d+)?ms$/), '20% errors']);
  });

  it('opens the traces across an edge, and a service\'s page from its node', async () => {
    const page = await browser.open(`${clew().query}/map`);
    await page.locator('[data-edge="catalog->duckdb"]').waitFor();
    await page.locator('[data-edge="catalog->duckdb"] .map-edge-label-bg').click();
    await page.waitForURL(/\/search\?mode=traceql/);
    expect(new URL(page.url()).searchParams.get('q')).toContain('resource.service.name = "catalog" && kind = client');
    await waitForCount(page.locator('table.results tbody tr'), 20);
    expect(await page.getByTestId('result-range').textContent()).toMatch(/^1–20 of (60 traces|\d+\+)/);

    await page.goBack();
    await page.locator('[data-node="checkout"]').click();
    await page.waitForURL(/\/services\/checkout$/);
    await page.getByRole('heading', { name: 'checkout' }).waitFor();
  });
});

describe('SLOs', () => {
  it('creates an SLO through the form, lists it, edits and deletes it', async () => {
    const page = await browser.open(`${clew().query}/slos`);
    await page.locator('tr[data-slo="frontend-availability"]').waitFor();
    await page.getByRole('button', { name: 'New SLO' }).click();
    const form = page.getByRole('form', { name: 'New SLO' });
    await form.getByLabel('Name').fill('Payment availability');
    expect(await form.getByLabel('Id').inputValue()).toBe('payment-availability');
    await form.getByLabel('Service').selectOption('payment');
    await form.getByLabel('Target (%)').fill('99');
    await form.getByLabel('Window').selectOption('7d');
    await form.getByRole('button', { name: 'Create SLO' }).click();
    await page.waitForURL(/\/slos\/payment-availability$/);
    await page.getByRole('heading', { name: 'Payment availability' }).waitFor();
    expect(await page.locator('.slo-objective').textContent()).toContain('99% of server spans of payment without an error, over 7d');
    // One request in five failed: an SLI of 80% against 99% overspends the budget many times over.
    await page.getByTestId('slo-figures').filter({ hasText: '80.0%' }).waitFor();
    await page.getByTestId('chart-sli').locator('canvas').first().waitFor();
    await page.getByTestId('chart-budget').locator('canvas').first().waitFor();

    await page.getByRole('link', { name: 'SLOs' }).first().click();
    await page.waitForURL(/\/slos$/);
    const listed = page.locator('tr[data-slo="payment-availability"]');
    await listed.waitFor();
    expect(await listed.locator('.slo-name').textContent()).toBe('Payment availability');
    expect(await listed.getByTestId('budget').textContent()).toMatch(/^-/);
    expect(['ok', 'ticket', 'page']).toContain(await listed.getByTestId('alert-state').textContent());

    await listed.locator('.slo-name').click();
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Payment availability' });
    expect(await edit.getByLabel('Id').isDisabled()).toBe(true);
    await edit.getByLabel('Target (%)').fill('75');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.locator('.slo-objective').filter({ hasText: '75% of server spans of payment' }).waitFor();

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL(/\/slos$/);
    await page.locator('tr[data-slo="frontend-availability"]').waitFor();
    await waitForCount(page.locator('tr[data-slo="payment-availability"]'), 0);
  });

  it('says a config-defined SLO is read-only, and offers no edit', async () => {
    const page = await browser.open(`${clew().query}/slos/frontend-availability`);
    await page.getByTestId('read-only').waitFor();
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
  });
});

// The tests are type-checked without the DOM's types, hence the element's shape spelled out.
type Attrs = { getAttribute(name: string): string | null };
