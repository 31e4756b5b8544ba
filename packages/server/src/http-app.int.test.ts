// Closing the HTTP app while a request is under way: the request is answered, and its connection ends with it
// instead of staying open for the keep-alive timeout (which held a stop of `clew serve` for a minute).
import { Agent, request } from 'node:http';
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
});
