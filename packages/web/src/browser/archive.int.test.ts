import { fileURLToPath } from 'node:url';
import { useClewProcess } from '@clew/testing/clew-process';
import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtures } from './fixtures.js';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';
import { waitForCount } from './wait-for-count.js';

// Archiving from the trace page, the mark, and the Archived page, in real Chromium against a real `clew serve`.
// CLEW_UPDATE_SCREENSHOTS=1 also writes docs/screenshots/trace-archived.png and archived.png.
const clew = useClewProcess();
const browser = useBrowser();
const fixtures = buildFixtures();
const checkout = fixtures.checkout.traceId;
const NOTE = 'INC-42: card declines during the checkout outage';

const screenshotPath = (name: string): string | undefined =>
  process.env.CLEW_UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL(`../../../../docs/screenshots/${name}.png`, import.meta.url)) : undefined;

/** With CLEW_SCREENSHOT_DIR, where a screenshot to look at goes (not the docs' screenshots). */
const lookTo = (name: string): string | undefined => (process.env.CLEW_SCREENSHOT_DIR ? `${process.env.CLEW_SCREENSHOT_DIR}/${name}.png` : undefined);

beforeAll(async () => {
  await loadTraces(clew(), [fixtures.checkout.spans, fixtures.email.spans]);
});

/** Un-archives from `scope` (a row of the Archived page, the trace page's mark): the button, then its confirmation. */
async function unarchiveIn(scope: Locator, shot?: string): Promise<void> {
  await scope.getByRole('button', { name: 'Un-archive' }).click();
  const question = scope.getByRole('group', { name: 'Un-archive this trace?' });
  await question.waitFor();
  const path = shot && lookTo(shot);
  if (path) await scope.page().screenshot({ path, clip: { x: 0, y: 0, width: 1280, height: 200 } });
  await question.getByRole('button', { name: 'Un-archive' }).click();
}

/** The trace's mark as the server holds it, or null. */
const markOf = async (traceId: string) => ((await (await fetch(`${clew().query}/api/clew/v1/archive/${traceId}`)).json()) as { archived: unknown }).archived;

describe('archiving a trace in the UI', () => {
  it('archives from the trace page with a note, shows the mark, and lists it on the Archived page', async () => {
    // A short window: what the README shows is the header and the list, not empty page below them.
    const page = await browser.open(`${clew().query}/trace/${checkout}`, { viewport: { width: 1400, height: 460 } });
    await page.getByRole('button', { name: 'Archive…' }).click();
    await page.getByPlaceholder('e.g. INC-42: checkout outage').fill(NOTE);
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    const mark = page.getByTestId('archive-mark');
    await mark.waitFor();
    expect(await mark.textContent()).toContain('Archived by anonymous on ');
    expect(await mark.locator('.archive-note').textContent()).toBe(NOTE);
    // The server holds what the page shows.
    expect(await markOf(checkout)).toMatchObject({ archivedBy: 'anonymous', note: NOTE });
    const shot = screenshotPath('trace-archived');
    await page.screenshot(shot === undefined ? {} : { path: shot });

    await page.getByRole('navigation').getByRole('link', { name: 'Archived' }).click();
    const rows = page.locator('[data-testid=archived-traces] tbody tr');
    await waitForCount(rows, 1);
    const row = rows.first();
    expect(await row.getAttribute('data-trace-id')).toBe(checkout);
    expect(await row.locator('td').nth(0).textContent()).toContain('frontend: POST /checkout');
    expect(await row.locator('td').nth(3).textContent()).toBe('7 1 error');
    expect(await row.locator('td').nth(4).textContent()).toContain('anonymous');
    expect(await row.locator('td').nth(5).textContent()).toBe(NOTE);
    const listShot = screenshotPath('archived');
    await page.screenshot(listShot === undefined ? { clip: { x: 0, y: 0, width: 1400, height: 220 } } : { path: listShot, clip: { x: 0, y: 0, width: 1400, height: 220 } });

    // Its link opens the trace, marked.
    await row.getByRole('link', { name: 'frontend: POST /checkout' }).click();
    await page.getByTestId('archive-mark').waitFor();
    expect(page.url()).toBe(`${clew().query}/trace/${checkout}`);

    // Search results mark it too, and only it.
    const search = await browser.open(`${clew().query}/search?service=frontend`);
    const marked = search.locator(`tr[data-trace-id="${checkout}"]`).getByTestId('row-archived');
    await marked.waitFor();
    expect(await marked.textContent()).toBe('Archived');
    expect(await search.getByTestId('row-archived').count()).toBe(1);
  });

  it('un-archives from the Archived page and from the trace page', async () => {
    const list = await browser.open(`${clew().query}/archived`);
    const rows = list.locator('[data-testid=archived-traces] tbody tr');
    await waitForCount(rows, 1);
    await unarchiveIn(rows.first());
    await list.getByText('No archived traces').waitFor();
    expect(await markOf(checkout)).toBeNull();

    const page = await browser.open(`${clew().query}/trace/${checkout}`);
    await page.getByRole('button', { name: 'Archive…' }).click();
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    const mark = page.getByTestId('archive-mark');
    await mark.waitFor();
    expect(await mark.locator('.archive-note').count()).toBe(0);
    expect(await markOf(checkout)).toMatchObject({ archivedBy: 'anonymous', note: '' });
    await unarchiveIn(mark, 'unarchive-confirm-trace');
    await page.getByRole('button', { name: 'Archive…' }).waitFor();
    expect(await markOf(checkout)).toBeNull();
  });

  it('asks before un-archiving: Keep it and Escape leave the trace archived; a failure is said at its row', async () => {
    const email = fixtures.email.traceId;
    await fetch(`${clew().query}/api/clew/v1/archive/${email}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'INC-7' }) });
    try {
      const list = await browser.open(`${clew().query}/archived`, { viewport: { width: 800, height: 500 } });
      const row = list.locator(`[data-testid=archived-traces] tr[data-trace-id="${email}"]`);
      await row.getByRole('button', { name: 'Un-archive' }).click();
      const question = row.getByRole('group', { name: 'Un-archive this trace?' });
      expect(await question.textContent()).toContain('Retention may then drop it');
      // The question and both answers on screen in an 800-wide window, the page no wider.
      const confirm = (await question.getByRole('button', { name: 'Un-archive' }).boundingBox())!;
      expect(confirm.x + confirm.width).toBeLessThanOrEqual(800);
      expect(await list.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800);
      const shot = lookTo('unarchive-confirm');
      if (shot) await list.screenshot({ path: shot });
      // "Keep it" has the focus: Enter keeps it.
      await list.keyboard.press('Enter');
      await row.getByRole('button', { name: 'Un-archive' }).waitFor();
      expect(await question.count()).toBe(0);
      await row.getByRole('button', { name: 'Un-archive' }).click();
      await question.waitFor();
      await list.keyboard.press('Escape');
      await row.getByRole('button', { name: 'Un-archive' }).waitFor();
      expect(await question.count()).toBe(0);
      expect(await markOf(email)).toMatchObject({ note: 'INC-7' });
      // The server fails the un-archive: said at the row, which stays.
      await list.route('**/api/clew/v1/archive/*', (route) => (route.request().method() === 'DELETE' ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"INTERNAL","message":"store unavailable"}}' }) : route.fallback()));
      await unarchiveIn(row);
      await row.getByRole('alert').waitFor();
      expect(await row.getByRole('alert').textContent()).toContain('store unavailable');
      expect(await markOf(email)).toMatchObject({ note: 'INC-7' });
      const failedShot = lookTo('unarchive-failed');
      if (failedShot) await list.screenshot({ path: failedShot });
    } finally {
      await fetch(`${clew().query}/api/clew/v1/archive/${email}`, { method: 'DELETE' });
    }
  });

  it('keeps a note of 2,000 characters without a space to its cell, and the Un-archive button on screen', async () => {
    const email = fixtures.email.traceId;
    const note = 'https://incidents.example/INC-42?' + 'q'.repeat(1967);
    const archived = await fetch(`${clew().query}/api/clew/v1/archive/${email}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note }) });
    expect(archived.status).toBe(200);
    try {
      for (const width of [1280, 800]) {
        const list = await browser.open(`${clew().query}/archived`, { viewport: { width, height: 700 } });
        const row = list.locator(`[data-testid=archived-traces] tr[data-trace-id="${email}"]`);
        await row.waitFor();
        // The whole note is there (its title on hover), three lines of it shown.
        expect(await row.locator('.archive-note').getAttribute('title')).toBe(note);
        expect((await row.locator('.archive-note').boundingBox())!.height).toBeLessThan(80);
        const button = (await row.getByRole('button', { name: 'Un-archive' }).boundingBox())!;
        expect(button.x + button.width, `${width}`).toBeLessThanOrEqual(width);
        expect(await list.evaluate<number>('document.documentElement.scrollWidth'), `${width}`).toBeLessThanOrEqual(width);
        const shot = lookTo(`archived-long-note-${width}`);
        if (shot) await list.screenshot({ path: shot });
      }
      // On the trace page, two lines of it above the waterfall.
      const page = await browser.open(`${clew().query}/trace/${email}`, { viewport: { width: 1280, height: 700 } });
      const mark = page.getByTestId('archive-mark');
      await mark.waitFor();
      expect((await mark.locator('.archive-note').boundingBox())!.height).toBeLessThan(50);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    } finally {
      await fetch(`${clew().query}/api/clew/v1/archive/${email}`, { method: 'DELETE' });
    }
  });

  it('says a page could not be loaded inside the layout, not with the router\'s developer page', async () => {
    const page = await browser.open(`${clew().query}/search`);
    await page.getByRole('navigation').getByRole('link', { name: 'Archived' }).waitFor();
    // The Archived page's code fails to load, as when Clew stopped after the tab opened.
    await page.route('**/assets/archived-page-*.js', (route) => route.abort());
    await page.getByRole('navigation').getByRole('link', { name: 'Archived' }).click();
    await page.getByText('This page could not be loaded').waitFor();
    expect(await page.getByText('Unexpected Application Error').count()).toBe(0);
    // The top bar is still there, to go elsewhere.
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Search' }).count()).toBe(1);
    const shot = lookTo('route-error');
    if (shot) await page.screenshot({ path: shot });
  });

  it('closes the archive form with Escape, and reopened it says nothing of the last failed attempt', async () => {
    const page = await browser.open(`${clew().query}/trace/${fixtures.email.traceId}`);
    await page.route('**/api/clew/v1/archive/*', (route) => (route.request().method() === 'POST' ? route.abort() : route.fallback()));
    await page.getByRole('button', { name: 'Archive…' }).click();
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.locator('.archive-form .error-text').waitFor();
    await page.getByPlaceholder('e.g. INC-42: checkout outage').press('Escape');
    await page.getByRole('button', { name: 'Archive…' }).click();
    await page.getByPlaceholder('e.g. INC-42: checkout outage').waitFor();
    expect(await page.locator('.archive-form .error-text').count()).toBe(0);
    expect(await markOf(fixtures.email.traceId)).toBeNull();
  });

  it('says the archive status could not be read, rather than leaving the row empty', async () => {
    const page = await browser.open(`${clew().query}/search`);
    await page.route('**/api/clew/v1/archive/*', (route) => (route.request().method() === 'GET' ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"INTERNAL","message":"store unavailable"}}' }) : route.fallback()));
    await page.goto(`${clew().query}/trace/${fixtures.email.traceId}`);
    await page.getByText('Archive status could not be read').waitFor();
  });

  it('edits the note in place: Escape keeps the old one; saved, the mark and the Archived page say who changed it', async () => {
    const email = fixtures.email.traceId;
    const archived = await fetch(`${clew().query}/api/clew/v1/archive/${email}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'INC-7', user: 'ana' }),
    });
    expect(archived.status).toBe(200);
    try {
      const page = await browser.open(`${clew().query}/trace/${email}`, { viewport: { width: 1280, height: 460 } });
      const mark = page.getByTestId('archive-mark');
      await mark.getByRole('button', { name: 'Edit note' }).click();
      const field = page.getByPlaceholder('why this trace is kept');
      expect(await field.inputValue()).toBe('INC-7');
      // Escape steps back, the note as it was.
      await field.fill('not this');
      await field.press('Escape');
      await mark.getByRole('button', { name: 'Edit note' }).click();
      expect(await page.getByPlaceholder('why this trace is kept').inputValue()).toBe('INC-7');
      await page.getByPlaceholder('why this trace is kept').fill('INC-7: the mail relay dropped the connection');
      await page.getByPlaceholder('your name').fill('bo');
      const formShot = lookTo('archive-note-edit');
      if (formShot) await page.screenshot({ path: formShot, clip: { x: 0, y: 0, width: 1280, height: 160 } });
      await page.getByRole('button', { name: 'Save note' }).click();
      await mark.locator('.archive-note-edited').waitFor();
      // Who archived it and when stay; who changed the note is said beside it.
      expect(await mark.textContent()).toContain('Archived by ana on ');
      expect(await mark.locator('.archive-note').textContent()).toBe('INC-7: the mail relay dropped the connection');
      expect(await mark.locator('.archive-note-edited').textContent()).toBe('(edited by bo)');
      expect(await mark.locator('.archive-note-edited').getAttribute('title')).toMatch(/^note edited by bo on \d{4}-\d\d-\d\d /);
      // One line at this width, as before the note was edited: the page below does not move.
      expect((await mark.boundingBox())!.height).toBeLessThan(40);
      expect(await markOf(email)).toMatchObject({ archivedBy: 'ana', note: 'INC-7: the mail relay dropped the connection', noteEditedBy: 'bo' });
      const shot = lookTo('archive-note-edited');
      if (shot) await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1280, height: 160 } });

      const list = await browser.open(`${clew().query}/archived`);
      const row = list.locator(`[data-testid=archived-traces] tr[data-trace-id="${email}"]`);
      await row.waitFor();
      expect(await row.locator('td').nth(4).textContent()).toContain('ana');
      expect(await row.locator('td').nth(5).textContent()).toMatch(/^INC-7: the mail relay dropped the connectionnote edited by bo on /);
      const listShot = lookTo('archived-note-edited');
      if (listShot) await list.screenshot({ path: listShot, clip: { x: 0, y: 0, width: 1280, height: 220 } });

      // Cleared, the note is gone and the mark offers to add one.
      await page.bringToFront();
      await mark.getByRole('button', { name: 'Edit note' }).click();
      await page.getByPlaceholder('why this trace is kept').fill('');
      await page.getByRole('button', { name: 'Save note' }).click();
      await mark.getByRole('button', { name: 'Add a note' }).waitFor();
      expect(await mark.locator('.archive-note').count()).toBe(0);
      expect(await markOf(email)).toMatchObject({ archivedBy: 'ana', note: '' });

      // Un-archived elsewhere while the note is being edited: saving says so and the page shows what is so; archived
      // again, the row starts with the archive form, not the old edit.
      await mark.getByRole('button', { name: 'Add a note' }).click();
      await page.getByPlaceholder('why this trace is kept').fill('too late');
      expect((await fetch(`${clew().query}/api/clew/v1/archive/${email}`, { method: 'DELETE' })).status).toBe(204);
      await page.getByRole('button', { name: 'Save note' }).click();
      await page.getByRole('button', { name: 'Archive…' }).click();
      await page.getByPlaceholder('e.g. INC-42: checkout outage').waitFor();
      expect(await page.getByPlaceholder('why this trace is kept').count()).toBe(0);
      expect(await markOf(email)).toBeNull();
    } finally {
      await fetch(`${clew().query}/api/clew/v1/archive/${email}`, { method: 'DELETE' });
    }
  });

  it('records who archived when auth is off, as the name given (remembered for the next time)', async () => {
    const email = fixtures.email.traceId;
    const page = await browser.open(`${clew().query}/trace/${email}`);
    await page.getByRole('button', { name: 'Archive…' }).click();
    await page.getByPlaceholder('your name').fill('ana');
    const shot = lookTo('archive-form-name');
    if (shot) await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1280, height: 160 } });
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    const mark = page.getByTestId('archive-mark');
    await mark.waitFor();
    expect(await mark.textContent()).toContain('Archived by ana on ');
    expect(await markOf(email)).toMatchObject({ archivedBy: 'ana' });
    await unarchiveIn(mark);
    await page.getByRole('button', { name: 'Archive…' }).click();
    expect(await page.getByPlaceholder('your name').inputValue()).toBe('ana');
  });
});
