import { describe, expect, it } from 'vitest';
import { ReadLock } from './read-lock.js';

/** A promise and the function that settles it, so a test decides when each holder lets go. */
const gate = (): { wait: Promise<void>; open: () => void } => {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
};
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ReadLock', () => {
  it('lets reads share, a change wait for the reads holding it, and reads asking after a change wait for it', async () => {
    const lock = new ReadLock();
    const log: string[] = [];
    const first = gate();
    const r1 = lock.shared(async () => (log.push('r1'), await first.wait, log.push('r1 done')));
    const r2 = lock.shared(async () => void log.push('r2'));
    const change = lock.exclusive(async () => void log.push('change'));
    const r3 = lock.shared(async () => void log.push('r3'));
    await turn();
    expect(log).toEqual(['r1', 'r2']);
    first.open();
    await Promise.all([r1, r2, change, r3]);
    expect(log).toEqual(['r1', 'r2', 'r1 done', 'change', 'r3']);
  });

  it('lets go when the holder throws', async () => {
    const lock = new ReadLock();
    await expect(lock.exclusive(async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    await expect(lock.shared(async () => 1)).resolves.toBe(1);
    await expect(lock.shared(async () => Promise.reject(new Error('read failed')))).rejects.toThrow('read failed');
    await expect(lock.exclusive(async () => 2)).resolves.toBe(2);
  });
});
