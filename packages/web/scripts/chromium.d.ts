import type { Browser } from 'playwright-core';

export declare const CHROMIUM_PATH: string;
/** A headless Chromium; throws with the install command when it is not there. */
export declare function launchChromium(): Promise<Browser>;
