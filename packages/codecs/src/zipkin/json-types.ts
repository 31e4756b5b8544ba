/** Zipkin v2 JSON as Zipkin's API writes it (zipkin2-api.yaml's Span and Endpoint); absent fields are left out. */
export interface ZipkinJsonSpan {
  traceId: string;
  parentId?: string;
  id: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  name?: string;
  /** Microseconds since the epoch. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: ZipkinJsonEndpoint;
  remoteEndpoint?: ZipkinJsonEndpoint;
  annotations?: Array<{ timestamp: number; value: string }>;
  tags?: Record<string, string>;
  debug?: true;
  shared?: true;
}

export interface ZipkinJsonEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}
