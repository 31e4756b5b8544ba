import type { ClewSdk } from './start.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Flushes the SDK when the process ends: on `beforeExit`, and on SIGTERM/SIGINT. After a signal the process still
 * ends as the signal asks when the application has no handler of its own; when it has one, ending is its call.
 */
export function installShutdownHooks(sdk: ClewSdk): void {
  process.once('beforeExit', () => void sdk.shutdown());
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      void sdk.shutdown().finally(() => {
        process.removeListener(signal, onSignal);
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
}
