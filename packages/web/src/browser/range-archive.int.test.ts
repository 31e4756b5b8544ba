import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClewProcess } from '@clew/testing/clew-process';
import { startClewProcess, tempDataDir } from '@clew/testing/clew-process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtures } from './fixtures.js';
import { loadTraces } from './load-traces.js';
import { useBrowser } from './use-browser.js';

// A trace read from a range archive (`clew archive`, then `clew serve --archive-dir` on an empty data directory), in
// real Chromium: its page says so.
const BIN = fileURLToPath(new URL('../../../cli/bin/clew.js', import.meta.url));
const browser = useBrowser();
const fixtures = buildFixtures();
const checkout = fixtures.checkout.traceId;
const DAY_MS = 86_400_000;

let tmp: Awaited<ReturnType<typeof tempDataDir>>;
let clew: ClewProcess | undefined;

/** Runs `clew archive` over the days around the fixtures' spans; rejects with its output when it fails. */
function archive(dataDir: string, out: string): Promise<void> {
  const start = Number(fixtures.checkout.spans[0]!.startTimeUnixNano / 1_000_000n);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const args = [BIN, 'archive', '-d', dataDir, '--from', day(start - DAY_MS), '--to', day(start + 2 * DAY_MS), '--out', out];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`clew archive exited ${code}: ${stderr}`))));
  });
}

beforeAll(async () => {
  tmp = await tempDataDir();
  const live = await startClewProcess(join(tmp.dir, 'live'));
  await loadTraces(live, [fixtures.checkout.spans]);
  await live.stop();
  await archive(join(tmp.dir, 'live'), join(tmp.dir, 'range'));
  clew = await startClewProcess(join(tmp.dir, 'empty'), ['--archive-dir', join(tmp.dir, 'range')]);
});

afterAll(async () => {
  await clew?.stop();
  await tmp?.cleanup();
});

describe('a trace from a range archive in the UI', () => {
  it('says on the Services page which days the attached archive holds, and that its rates do not count them', async () => {
    const page = await browser.open(`${clew!.query}/`, { viewport: { width: 1280, height: 400 } });
    const note = page.getByTestId('range-archive-note');
    await note.waitFor();
    const day = new Date(Number(fixtures.checkout.spans[0]!.startTimeUnixNano / 1_000_000n)).toISOString().slice(0, 10);
    expect(await note.textContent()).toContain(`holding ${day} (1 day, ${fixtures.checkout.spans.length} spans)`);
    expect(await note.textContent()).toContain("kept for the metrics' retention");
    const shot = process.env.CLEW_SCREENSHOT_DIR;
    if (shot) await page.screenshot({ path: `${shot}/services-range-archive.png` });
    // Its link searches the archived days.
    await note.getByRole('link', { name: 'search them' }).click();
    await page.locator(`tr[data-trace-id="${checkout}"]`).waitFor();
    expect(page.url()).toContain(`/search?lookback=custom&start=${Date.parse(`${day}T00:00:00Z`)}&end=${Date.parse(`${day}T00:00:00Z`) + DAY_MS}`);
  });

  it('says so on a service\'s page and on the map too', async () => {
    const service = await browser.open(`${clew!.query}/services/frontend`);
    expect(await service.getByTestId('range-archive-note').textContent()).toContain('The rates and latencies here are counted as spans arrive');
    const map = await browser.open(`${clew!.query}/map`, { viewport: { width: 1280, height: 400 } });
    expect(await map.getByTestId('range-archive-note').textContent()).toContain('The calls drawn here are counted as spans arrive');
    const shot = process.env.CLEW_SCREENSHOT_DIR;
    if (shot) await map.screenshot({ path: `${shot}/map-range-archive.png` });
  });

  it('opens from the archive with an "In a range archive" badge beside the Archive… button', async () => {
    const page = await browser.open(`${clew!.query}/trace/${checkout}`);
    const badge = page.getByTestId('range-archived');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('In a range archive');
    expect(await page.getByTestId('trace-id').textContent()).toContain(checkout.slice(0, 7));
    await page.getByRole('button', { name: 'Archive…' }).waitFor();
  });

  it('marks the trace "In a range archive" in the search results', async () => {
    const page = await browser.open(`${clew!.query}/search?service=frontend`);
    const row = page.locator(`tr[data-trace-id="${checkout}"]`);
    const badge = row.getByTestId('row-range-archived');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('In a range archive');
    expect(await row.getByTestId('row-archived').count()).toBe(0);
    if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT });
  });
});
