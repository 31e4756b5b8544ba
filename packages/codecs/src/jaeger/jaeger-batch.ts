/**
 * jaeger.thrift's structs (jaegertracing/jaeger-idl thrift/jaeger.thrift) as read off the wire, before mapping to
 * the model. i64 fields are bigint (ids are unsigned 64-bit values sent as signed); times are microseconds.
 */
export interface JaegerBatch {
  readonly process: JaegerProcess;
  readonly spans: readonly JaegerSpan[];
}

export interface JaegerProcess {
  readonly serviceName: string;
  /** undefined when the field was absent (the translator then leaves an empty resource when serviceName is ''). */
  readonly tags: readonly JaegerTag[] | undefined;
}

export interface JaegerSpan {
  readonly traceIdLow: bigint;
  readonly traceIdHigh: bigint;
  readonly spanId: bigint;
  readonly parentSpanId: bigint;
  readonly operationName: string;
  readonly references: readonly JaegerSpanRef[];
  readonly flags: number;
  readonly startTime: bigint;
  readonly duration: bigint;
  readonly tags: readonly JaegerTag[];
  readonly logs: readonly JaegerLog[];
}

/** TagType: STRING, DOUBLE, BOOL, LONG, BINARY. */
export const TagType = { STRING: 0, DOUBLE: 1, BOOL: 2, LONG: 3, BINARY: 4 } as const;

export interface JaegerTag {
  readonly key: string;
  readonly vType: number;
  readonly vStr: string;
  readonly vDouble: number;
  readonly vBool: boolean;
  readonly vLong: bigint;
  readonly vBinary: Uint8Array;
}

export interface JaegerLog {
  readonly timestamp: bigint;
  readonly fields: readonly JaegerTag[];
}

/** SpanRefType: CHILD_OF, FOLLOWS_FROM. */
export const SpanRefType = { CHILD_OF: 0, FOLLOWS_FROM: 1 } as const;

export interface JaegerSpanRef {
  readonly refType: number;
  readonly traceIdLow: bigint;
  readonly traceIdHigh: bigint;
  readonly spanId: bigint;
}
