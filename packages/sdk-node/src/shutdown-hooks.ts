import type { ClewSdk } from './start.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Flushes the SDK when the process ends: on `beforeExit`, and on SIGTERM/SIGINT. After a signal the process still
 * ends as the signal asks when the application has no handler of its own; when it has one, ending is its call. A
 * second signal during the flush (Ctrl-C twice while Clew is unreachable) ends the process without waiting.
 */
export function installShutdownHooks(sdk: ClewSdk): void {
  process.once('beforeExit', () => void sdk.shutdown());
  for (const signal of SIGNALS) {
    let flushing = false;
    const end = (): void => {
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    const onSignal = (): void => {
      if (flushing) return end();
      flushing = true;
      void sdk.shutdown().finally(end);
    };
    process.on(signal, onSignal);
  }
}
