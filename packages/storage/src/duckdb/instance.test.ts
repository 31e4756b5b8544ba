import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
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
    // Its own cores given back after (`taskset -pc PID` ends with the list, e.g. "…: 0-3").
    const own = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' }).trim().split(' ').pop()!;
    const first = own.split(/[,-]/)[0]!;
    execFileSync('taskset', ['-pc', first, String(process.pid)], { stdio: 'ignore' });
    try {
      expect(availableParallelism()).toBe(1);
      expect(await threadsOf({ memoryLimit: '64MB' })).toBe(1);
    } finally {
      execFileSync('taskset', ['-pc', own, String(process.pid)], { stdio: 'ignore' });
    }
  });
});
