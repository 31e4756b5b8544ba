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
