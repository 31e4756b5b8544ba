import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyPair } from './tls-files.js';
import { TlsFiles } from './tls-files.js';

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'clew-tls-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

async function makePair(name: string): Promise<KeyPair> {
  const [cert, key] = [join(dir, `${name}.crt`), join(dir, `${name}.key`)];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert], { stdio: 'pipe' });
  return { cert: await readFile(cert), key: await readFile(key) };
}

/** Replaces a file by rename, as a secret mount or a renewal tool does. */
async function replace(path: string, data: Buffer): Promise<void> {
  await writeFile(`${path}.new`, data);
  await rename(`${path}.new`, path);
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('TlsFiles', () => {
  it('keeps the pair it has when the files change into a mismatched pair, and takes the next good one', async () => {
    const [a, b] = [await makePair('a'), await makePair('b')];
    const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    await replace(certFile, a.cert);
    await replace(keyFile, a.key);
    const errors: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
    const tls = TlsFiles.open({ certFile, keyFile, log, pollMs: 20, debounceMs: 20 });
    const seen: KeyPair[] = [];
    tls.onChange((p) => seen.push(p));
    try {
      await replace(keyFile, b.key);
      await until(() => errors.length > 0);
      expect(errors[0]).toContain('do not load');
      expect(tls.current.cert.equals(a.cert)).toBe(true);
      expect(seen).toHaveLength(0);

      await replace(certFile, b.cert);
      await until(() => seen.length === 1);
      expect(tls.current.cert.equals(b.cert) && tls.current.key.equals(b.key)).toBe(true);
    } finally {
      tls.close();
    }
  });

  it('refuses to start on a key that is not the certificate\'s', async () => {
    const [a, b] = [await makePair('a'), await makePair('b')];
    await writeFile(join(dir, 'cert.pem'), a.cert);
    await writeFile(join(dir, 'key.pem'), b.key);
    expect(() => TlsFiles.open({ certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), log: pino({ level: 'silent' }) })).toThrow(
      /do not make a usable pair/,
    );
  });
});
