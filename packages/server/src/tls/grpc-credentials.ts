import type { ServerCredentials } from '@grpc/grpc-js';
import { experimental } from '@grpc/grpc-js';
import type { TlsFiles } from './tls-files.js';

type IdentityListener = Parameters<experimental.CertificateProvider['addIdentityCertificateListener']>[0];

/**
 * gRPC server credentials that follow `tls`: grpc-js (1.10 and later) calls setSecureContext on its HTTP/2 server
 * whenever a certificate provider hands it a new pair, so new connections get the new certificate without a rebind.
 * The provider is fed by TlsFiles rather than grpc-js's FileWatcherCertificateProvider so that every listener
 * reloads from the same validated read, and a bad pair is refused once, in one place.
 */
export function grpcServerCredentials(tls: TlsFiles): ServerCredentials {
  const listeners = new Map<IdentityListener, () => void>();
  const provider: experimental.CertificateProvider = {
    addIdentityCertificateListener(listener) {
      listeners.set(listener, tls.onChange((p) => listener({ certificate: p.cert, privateKey: p.key })));
      // Not synchronously: grpc-js subscribes to the provider before it registers the server that the pair is for,
      // so a pair given now reaches no one and the server drops every connection until the next change.
      queueMicrotask(() => listeners.has(listener) && listener({ certificate: tls.current.cert, privateKey: tls.current.key }));
    },
    removeIdentityCertificateListener(listener) {
      listeners.get(listener)?.();
      listeners.delete(listener);
    },
    // No client certificates are asked for.
    addCaCertificateListener() {},
    removeCaCertificateListener() {},
  };
  // The exported function's first argument is the identity provider (its declared name says CA, the code does not).
  return experimental.createCertificateProviderServerCredentials(provider, null, false);
}
