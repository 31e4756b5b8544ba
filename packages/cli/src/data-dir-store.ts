import { join } from 'node:path';
import type { DuckDBStore } from '@clew/storage';
import { openDuckDBStore } from '@clew/storage';

/**
 * The DuckDB store of a Clew data directory (`<dir>/store`), opened directly. DuckDB lets one process hold a file:
 * while a Clew runs on the directory, say so and how to go through it instead.
 */
export async function openDataDirStore(dir: string): Promise<DuckDBStore> {
  try {
    return await openDuckDBStore({ dir: join(dir, 'store'), memoryLimit: '1GB' });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      throw new Error(
        `the data directory ${dir} is in use${pid ? ` by process ${pid}` : ''} (a running Clew holds its store): ` +
          'go through that Clew with --url http://host:16686 instead, or stop it first',
        { cause: e },
      );
    }
    throw e;
  }
}
