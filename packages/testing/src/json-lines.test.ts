import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonLines } from './json-lines.js';

/** Writes `chunks` to a stream read by readJsonLines and returns the records it handed on. */
async function recordsOf(chunks: Array<string | Buffer>): Promise<Array<Record<string, unknown>>> {
  const stream = new PassThrough();
  const records: Array<Record<string, unknown>> = [];
  readJsonLines(stream, (r) => records.push(r));
  for (const c of chunks) stream.write(c);
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  return records;
}

describe('readJsonLines', () => {
  it.each([
    ['one line per chunk', ['{"a":1}\n', '{"b":2}\n'], [{ a: 1 }, { b: 2 }]],
    ['several lines in one chunk', ['{"a":1}\n{"b":2}\n'], [{ a: 1 }, { b: 2 }]],
    ['a line split across chunks', ['{"ready":', '4312}\n'], [{ ready: 4312 }]],
    ['lines that are not JSON objects skipped', ['Debugger listening\n', '42\n', '[1]\n', 'null\n', '{"msg":"up"}\n'], [{ msg: 'up' }]],
    ['an unfinished last line held back', ['{"a":1}\n{"b":'], [{ a: 1 }]],
    ['a character split across chunks', [Buffer.from('{"msg":"é"}\n').subarray(0, 9), Buffer.from('{"msg":"é"}\n').subarray(9)], [{ msg: 'é' }]],
  ])('%s', async (_, chunks, expected) => {
    expect(await recordsOf(chunks)).toEqual(expected);
  });
});
