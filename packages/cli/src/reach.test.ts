import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerOf, CannotReach, postParts } from './reach.js';

describe('answerOf', () => {
  it.each([
    ['the native API’s error', '{"error":{"code":"BAD_PARAMETER","message":"q is not TraceQL: parse error","parameter":"q"}}', 'q is not TraceQL: parse error'],
    ['a message', '{"message":"too many requests"}', 'too many requests'],
    ['an error text', '{"error":"not found"}', 'not found'],
    ['JSON of another shape, as it is', '{"errors":[{"code":404}]}', '{"errors":[{"code":404}]}'],
    ['text, as it is', 'no route', 'no route'],
  ])('%s', async (_, body, said) => {
    expect(await answerOf(new Response(body, { status: 400 }))).toBe(said);
  });
});

describe('postParts', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  /** A real HTTP server on a free port; `handle` answers, and sees every request's body and the port it came from. */
  const serve = async (handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<string> => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => handle(req, Buffer.concat(chunks), res));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  };

  it('sends the parts as one body, one after another, and reads the answer whole', async () => {
    const got: string[] = [];
    const url = await serve((req, body, res) => {
      got.push(`${req.headers['content-length']} ${body.toString()}`);
      res.writeHead(200, { 'content-type': 'text/plain', 'x-two': ['a', 'b'] }).end('fine');
    });
    const answer = await postParts(url, { 'content-type': 'application/x-protobuf' }, [Buffer.from('ab'), Buffer.from(''), Buffer.from('cde')], 'hint');
    expect(got).toEqual(['5 abcde']);
    expect([answer.status, answer.ok, answer.body.toString(), answer.header('Content-Type'), answer.header('x-two'), answer.header('nope')]).toEqual([200, true, 'fine', 'text/plain', 'a, b', null]);
  });

  it('does not send again a request the server took and then dropped: it may have kept it (not "refused")', async () => {
    let seen = 0;
    const url = await serve((req, _body, res) => {
      // The first is answered and its connection kept alive; the next comes on it and is dropped.
      if (++seen === 1) res.end();
      else req.socket.destroy();
    });
    expect((await postParts(url, {}, [Buffer.from('spans')], 'hint')).status).toBe(200);
    const failed = await postParts(url, {}, [Buffer.from('spans')], 'hint').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CannotReach);
    expect((failed as CannotReach).refused).toBe(false);
    expect((failed as CannotReach).message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(ECONNRESET\): hint$/);
    expect(seen).toBe(2);
  });

  it('says a refused connection is refused, and sends on a new connection when asked (fresh), else on the one kept alive', async () => {
    const closed = await serve(() => undefined);
    servers.pop()!.close();
    const refused = await postParts(closed, {}, [Buffer.from('x')], 'hint').catch((e: unknown) => e);
    expect((refused as CannotReach).refused).toBe(true);

    const ports: number[] = [];
    const url = await serve((req, _body, res) => {
      ports.push(req.socket.remotePort!);
      res.end();
    });
    for (const fresh of [false, true, false]) expect((await postParts(url, {}, [Buffer.from('x')], 'hint', fresh)).status).toBe(200);
    expect(ports[1]).not.toBe(ports[0]);
    expect(ports[2]).toBe(ports[0]);
  });
});
