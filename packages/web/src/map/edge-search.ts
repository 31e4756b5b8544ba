import type { MapEdge, MapNode } from '@clew/api';
import { lookbackFor, traceqlString } from '../health/search-links.js';

const svc = (name: string) => `resource.service.name = ${traceqlString(name)}`;

/** Span attributes a client names a database or an uninstrumented peer by (the service graph's naming rules). */
const PEER_ATTRIBUTES = ['peer.service', 'db.namespace', 'db.name', 'db.system', 'db.system.name', 'server.address'];
const namedPeer = (name: string) => `(${PEER_ATTRIBUTES.map((a) => `span.${a} = ${traceqlString(name)}`).join(' || ')})`;

/**
 * The TraceQL query for the traces that cross an edge of the service map: the client's span with the server's span
 * as its child for a pair (producer and consumer for a queue), the client's span naming the peer for a database or
 * an uninstrumented server, and the server's root span for calls from outside ("user").
 * @example edgeTraceQL({ client: 'frontend', server: 'cart', connectionType: '' }, types)
 *   // { resource.service.name = "frontend" && kind = client } > { resource.service.name = "cart" && kind = server }
 */
export function edgeTraceQL(edge: Pick<MapEdge, 'client' | 'server' | 'connectionType'>, types: ReadonlyMap<string, MapNode['type']>): string {
  const { client, server, connectionType } = edge;
  if (connectionType === 'messaging_system') return `{ ${svc(client)} && kind = producer } > { ${svc(server)} && kind = consumer }`;
  if (connectionType === 'database') return `{ ${svc(client)} && kind = client && ${namedPeer(server)} }`;
  if (connectionType === 'virtual_node' && types.get(client) !== 'service') {
    return client === 'user' ? `{ ${svc(server)} && kind = server && nestedSetParent = -1 }` : `{ ${svc(server)} && kind = server && span.peer.service = ${traceqlString(client)} }`;
  }
  if (connectionType === 'virtual_node') return `{ ${svc(client)} && kind = client && ${namedPeer(server)} }`;
  return `{ ${svc(client)} && kind = client } > { ${svc(server)} && kind = server }`;
}

/** The search page's URL for an edge's traces over a window of `lengthMs`. */
export function edgeSearchUrl(edge: Pick<MapEdge, 'client' | 'server' | 'connectionType'>, types: ReadonlyMap<string, MapNode['type']>, lengthMs: number): string {
  const p = new URLSearchParams({ mode: 'traceql', q: edgeTraceQL(edge, types) });
  const lookback = lookbackFor(lengthMs);
  if (lookback !== '1h') p.set('lookback', lookback);
  return `/search?${p}`;
}
