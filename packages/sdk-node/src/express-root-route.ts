import type { Span } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';

type ExpressConfig = NonNullable<InstrumentationConfigMap['@opentelemetry/instrumentation-express']>;
type ExpressRequestInfo = Parameters<NonNullable<ExpressConfig['requestHook']>>[1];

/**
 * Names the route of an Express home page requested with a query string (`GET /?user=ada`). The express
 * instrumentation takes `/` as the matched route only when the whole URL, query included, is `/`, so such a request's
 * server span kept the bare name `GET` and no `http.route`; every other route is named with or without a query.
 */
export function rootRouteHook(span: Span, info: ExpressRequestInfo): void {
  if (String(info.layerType) !== 'request_handler' || info.route !== '') return;
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type !== RPCType.HTTP || rpc.route !== undefined) return;
  const { originalUrl } = info.request as { originalUrl?: string };
  if (originalUrl?.split('?')[0] !== '/') return;
  rpc.route = '/';
  span.setAttribute('http.route', '/');
}

/** Clew's express config with the user's `requestHook`, if any, run after rootRouteHook rather than in its place. */
export function expressConfig(user: ExpressConfig = {}): ExpressConfig {
  const theirs = user.requestHook;
  const requestHook: ExpressConfig['requestHook'] = theirs
    ? (span, info) => {
        rootRouteHook(span, info);
        theirs(span, info);
      }
    : rootRouteHook;
  return { ...user, requestHook };
}
