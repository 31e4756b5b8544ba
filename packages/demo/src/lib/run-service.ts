import { log } from './log.js';

/** A started service: where it listens (workers listen nowhere) and how to stop taking work. */
export interface RunningService {
  readonly url?: string;
  close(): Promise<void>;
}

/** What the launcher and a service say to each other over the IPC channel. */
export type ServiceMessage = { type: 'ready'; url?: string } | { type: 'stop' };

/**
 * Runs one shop service in this process: starts it, tells the launcher where it listens, and on `stop` (IPC), SIGTERM
 * or SIGINT stops taking work and exits, so that the SDK's exit hook flushes the spans it still holds.
 */
export async function runService(start: () => Promise<RunningService>): Promise<void> {
  const service = await start();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= service.close().then(
      () => exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (m: ServiceMessage) => m.type === 'stop' && stop());
  // The launcher going away (Ctrl-C on it, a crash) must not leave the shop running.
  process.on('disconnect', stop);
  log.info({ url: service.url }, 'ready');
  process.send?.({ type: 'ready', url: service.url } satisfies ServiceMessage);
}

function exit(code: number): void {
  process.exitCode = code;
  process.disconnect?.();
}
