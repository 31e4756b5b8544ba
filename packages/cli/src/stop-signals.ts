/** A command's stop by SIGINT (Ctrl-C) or SIGTERM, for a command that cleans up before it exits. */
export interface StopSignals {
  /** Aborted by the first of them, its reason `stopped by SIGINT` (or SIGTERM). */
  readonly signal: AbortSignal;
  /** The exit code a shell reports for the signal received (128 + its number): 130 or 143. */
  readonly exitCode: number;
  /** Gives the signals back to node's default (stop the process), once the command is done. */
  release(): void;
}

/**
 * Takes SIGINT and SIGTERM until `release`: the first aborts `signal` (and calls `onStop`, e.g. to close an output);
 * a second kills the process as usual.
 */
export function stopSignals(onStop?: () => void): StopSignals {
  const stop = new AbortController();
  let exitCode = 130;
  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGTERM' ? 143 : 130;
    stop.abort(new Error(`stopped by ${signal}`));
    onStop?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    get exitCode() {
      return exitCode;
    },
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
