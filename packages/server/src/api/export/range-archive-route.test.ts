import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sendFrame } from './range-archive-route.js';

describe('sendFrame: the range archive answer, written as its client reads it', () => {
  const idle = () => new Error('the client read nothing of the archive for 5 minutes');

  it('gives the archive up when the client reads nothing for drainMs', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    const stop = new AbortController();
    await sendFrame(out, Buffer.alloc(8), stop, 10, idle);
    await expect(sendFrame(out, Buffer.alloc(64), stop, 10, idle)).rejects.toThrow('the client read nothing of the archive for 5 minutes');
    expect(stop.signal.reason).toEqual(idle());
    // And sends nothing more.
    await expect(sendFrame(out, Buffer.alloc(1), stop, 10, idle)).rejects.toThrow('the client read nothing');
  });

  it('waits while the client catches up', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    const stop = new AbortController();
    const sent = sendFrame(out, Buffer.alloc(64), stop, 60_000, idle);
    out.resume();
    await sent;
    expect(stop.signal.aborted).toBe(false);
  });

  it('stops at once when the archive is stopped while it waits', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    const stop = new AbortController();
    const waiting = sendFrame(out, Buffer.alloc(64), stop, 60_000, idle);
    stop.abort(new Error('this Clew is stopping'));
    await expect(waiting).rejects.toThrow('this Clew is stopping');
  });
});
