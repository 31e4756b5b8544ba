// Closing the HTTP app while a request is under way: the request is answered, and its connection ends with it
// instead of staying open for the keep-alive timeout (which held a stop of `clew serve` for a minute); and a
// connection that has not sent a whole request yet is ended rather than waited for (the headers timeout, 60 s).
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startHttpApp } from './http-app.js';

describe('startHttpApp', () => {
  it('answers a request under way when it closes, with Connection: close, and the connection ends', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const started = new Promise<void>((r) => (arrived = r));
    const app = await startHttpApp({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) }, (a) =>
      a.get('/slow', async () => {
        arrived();
        await released;
        return { ok: true };
      }),
    );
    const answer = new Promise<{ status: number; connection: string | undefined; body: string; socketClosed: Promise<void> }>((resolve, reject) => {
      const req = request(`${app.url}/slow`, { agent: new Agent({ keepAlive: true }) }, (res) => {
        const socketClosed = new Promise<void>((r) => res.socket.once('close', () => r()));
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body, socketClosed }));
      });
      req.on('error', reject);
      req.end();
    });
    await started;
    const closed = app.close();
    release();
    const res = await answer;
    expect(res).toMatchObject({ status: 200, connection: 'close', body: '{"ok":true}' });
    // The server ends the connection after the reply; close() resolves once it has.
    await res.socketClosed;
    await closed;
  });

  // Node's own close() leaves both of these open until the headers timeout: these tests time out without the sweep.
  for (const [what, sent] of [
    ['opened and sent nothing (a pool opening ahead of need)', ''],
    ['sent part of its headers', 'GET /x HTTP/1.1\r\nHost: a\r\n'],
  ] as const) {
    it(`ends a connection that ${what} when it closes`, { timeout: 10_000 }, async () => {
      const app = await startHttpApp({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) }, (a) => a.get('/x', async () => ({ ok: true })));
      const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
      await new Promise<void>((r) => socket.once('connect', () => r()));
      const ended = new Promise<void>((r) => socket.once('close', () => r()));
      socket.on('error', () => undefined);
      if (sent) socket.write(sent);
      // The server has taken the connection (and what was sent) before it closes.
      await new Promise((r) => setTimeout(r, 100));
      await app.close();
      await ended;
      expect(socket.destroyed).toBe(true);
    });
  }
});
