/**
 * A Zipkin v2 span as the wire formats carry it (zipkin2-api.yaml's Span), after parsing and before mapping to the
 * model. Ids are lowercase hex as sent (a 64-bit trace id has 16 digits); times are microseconds since the epoch.
 */
export interface ZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId: string;
  readonly name: string;
  /** CLIENT, SERVER, PRODUCER, CONSUMER, or '' when absent (a local span). */
  readonly kind: ZipkinKind;
  /** Absent (undefined) is legal in Zipkin: the span then has no start. */
  readonly timestamp: bigint | undefined;
  readonly duration: bigint;
  readonly localEndpoint: ZipkinEndpoint | undefined;
  readonly remoteEndpoint: ZipkinEndpoint | undefined;
  readonly annotations: readonly ZipkinAnnotation[];
  /** Tags in the order sent. The mapping to the model takes them apart (it removes the tags it gives meaning to). */
  readonly tags: Map<string, string>;
  readonly debug: boolean;
  readonly shared: boolean;
}

export type ZipkinKind = '' | 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
export const ZIPKIN_KINDS: readonly ZipkinKind[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

export interface ZipkinEndpoint {
  readonly serviceName: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly port: number;
}

export interface ZipkinAnnotation {
  readonly timestamp: bigint;
  readonly value: string;
}
