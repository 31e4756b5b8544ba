import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createInstance } from './instance.js';

async function threadsOf(opts: { memoryLimit: string; threads?: number }): Promise<number> {
  const instance = await createInstance(':memory:', opts);
  try {
    const conn = await instance.connect();
    const rows = (await conn.runAndReadAll(`SELECT current_setting('threads')`)).getRows();
    conn.closeSync();
    return Number(rows[0]![0]);
  } finally {
    instance.closeSync();
  }
}

describe('createInstance', () => {
  it('gives DuckDB the threads asked for', async () => {
    expect(await threadsOf({ memoryLimit: '64MB', threads: 1 })).toBe(1);
    expect(await threadsOf({ memoryLimit: '64MB', threads: 3 })).toBe(3);
  });

  it('gives DuckDB one thread per core this process may run on, not per core of the machine', async () => {
    expect(await threadsOf({ memoryLimit: '64MB' })).toBe(availableParallelism());
    // Pinned to one core, as taskset or a container's cpuset does: DuckDB's own default still counted every core.
    const all = `0-${cpus().length - 1}`;
    execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
    try {
      expect(availableParallelism()).toBe(1);
      expect(await threadsOf({ memoryLimit: '64MB' })).toBe(1);
    } finally {
      execFileSync('taskset', ['-pc', all, String(process.pid)], { stdio: 'ignore' });
    }
  });
});
