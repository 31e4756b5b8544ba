import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';

export interface SelfSigned {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** SHA-256 fingerprint as tls.PeerCertificate.fingerprint256 spells it. */
  readonly fingerprint256: string;
}

/**
 * Makes a self-signed certificate for 127.0.0.1 and localhost with openssl, and moves it into `certFile` and
 * `keyFile` by rename, so a watcher never reads a half-written file.
 */
export function selfSigned(dir: string, name: string, certFile: string, keyFile: string): SelfSigned {
  const tmpCert = join(dir, `${name}.cert.tmp`);
  const tmpKey = join(dir, `${name}.key.tmp`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=clew-test-${name}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', tmpKey, '-out', tmpCert,
  ], { stdio: 'pipe' });
  const cert = readFileSync(tmpCert);
  const key = readFileSync(tmpKey);
  renameSync(tmpKey, keyFile);
  renameSync(tmpCert, certFile);
  return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256 };
}
