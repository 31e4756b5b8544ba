// Launches Debian's Chromium (apt-get install -y chromium) through playwright-core, for the browser tests, the UI
// bench and the screenshots. Never a downloaded browser: the path is fixed, and a missing one is a clear error.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CLEW_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium; throws with the install command when it is not there. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with 'apt-get update && apt-get install -y chromium' (or set CLEW_CHROMIUM to its path)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}
