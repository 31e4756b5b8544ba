import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { ClewError } from '../errors.js';

/** A certificate chain and its private key, both PEM. */
export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TlsFilesOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly log: Logger;
  /**
   * How often the files are checked. Polled (fs.watchFile) rather than fs.watch: a secret mounted by Kubernetes or
   * renewed by certbot is replaced by a rename or a symlink swap, which an inotify watch on the old file never sees.
   */
  readonly pollMs?: number;
  /** Quiet time after the last change before reading: the certificate and the key are rarely written at once. */
  readonly debounceMs?: number;
}

/** Reads a pair and proves the key matches the certificate; throws with the file names when it does not. */
function readPair(certFile: string, keyFile: string): KeyPair {
  let pair: KeyPair;
  try {
    pair = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (err) {
    throw new ClewError('CONFIG_INVALID', `cannot read the TLS certificate or key: ${(err as Error).message}`);
  }
  try {
    createSecureContext(pair);
  } catch (err) {
    throw new ClewError(
      'CONFIG_INVALID',
      `TLS certificate ${certFile} and key ${keyFile} do not make a usable pair (${(err as Error).message}); give a PEM certificate and its own private key`,
    );
  }
  return pair;
}

/**
 * The server certificate every TCP listener presents, read from two files and re-read when they change. A new pair
 * that fails to load is logged and the current one kept, so a half-written renewal never takes the listeners down.
 * @example const tls = TlsFiles.open({ certFile, keyFile, log }); const off = tls.onChange((p) => server.setSecureContext(p));
 */
export class TlsFiles {
  private pair: KeyPair;
  private readonly listeners = new Set<(pair: KeyPair) => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = () => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.opts.debounceMs ?? 250);
  };

  private constructor(private readonly opts: TlsFilesOptions) {
    this.pair = readPair(opts.certFile, opts.keyFile);
    for (const f of [opts.certFile, opts.keyFile]) watchFile(f, { interval: opts.pollMs ?? 1000, persistent: false }, this.changed);
  }

  /** Reads the pair now (a bad one is a start-up error) and starts watching the files. */
  static open(opts: TlsFilesOptions): TlsFiles {
    return new TlsFiles(opts);
  }

  get current(): KeyPair {
    return this.pair;
  }

  /** Calls `listener` with every new pair after a reload; returns the unsubscribe. */
  onChange(listener: (pair: KeyPair) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private reload(): void {
    const { certFile, keyFile, log } = this.opts;
    let pair: KeyPair;
    try {
      pair = readPair(certFile, keyFile);
    } catch (err) {
      log.error({ err, certFile, keyFile }, 'the TLS files changed but do not load; the listeners keep the certificate they had');
      return;
    }
    if (pair.cert.equals(this.pair.cert) && pair.key.equals(this.pair.key)) return;
    this.pair = pair;
    for (const listener of this.listeners) {
      try {
        listener(pair);
      } catch (err) {
        log.error({ err }, 'a listener refused the new TLS certificate and keeps the one it had');
      }
    }
    log.info({ certFile }, 'TLS certificate reloaded');
  }

  close(): void {
    clearTimeout(this.timer);
    for (const f of [this.opts.certFile, this.opts.keyFile]) unwatchFile(f, this.changed);
    this.listeners.clear();
  }
}
