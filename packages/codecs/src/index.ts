export { DecodeError } from './decode-error.js';
export type { DecodeResult } from './decode-result.js';
export { decodeOtlpProto } from './otlp-proto/decode.js';
export { encodeOtlpProto } from './otlp-proto/encode.js';
export { encodeExportResponseProto } from './otlp-proto/export-response.js';
export { decodeOtlpJson } from './otlp-json/decode.js';
export { otlpJsonToProto } from './otlp-json/to-proto.js';
export type { ProtoOfJson } from './otlp-json/to-proto.js';
export { anyValueJson, encodeOtlpJson } from './otlp-json/encode.js';
export { encodeOtlpJsonText } from './otlp-json/write-text.js';
export type {
  OtlpJsonAnyValue,
  OtlpJsonEntityRef,
  OtlpJsonEvent,
  OtlpJsonKeyValue,
  OtlpJsonLink,
  OtlpJsonResource,
  OtlpJsonResourceSpans,
  OtlpJsonScope,
  OtlpJsonScopeSpans,
  OtlpJsonSpan,
  OtlpJsonTracesData,
} from './otlp-json/types.js';
export { decodeZipkinJson } from './zipkin/decode-json.js';
export { decodeZipkinProto } from './zipkin/decode-proto.js';
export { decodeZipkinV1Json } from './zipkin/decode-json-v1.js';
export { toZipkinSpan, toZipkinTrace, zipkinTraceId } from './zipkin/to-zipkin.js';
export type { ZipkinJsonEndpoint, ZipkinJsonSpan } from './zipkin/json-types.js';
export { decodeJaegerAgentMessage, decodeJaegerThriftBatch, readJaegerAgentHeader } from './jaeger/decode.js';
export { jaegerToModel } from './jaeger/to-model.js';
export type { ThriftProtocol } from './jaeger/decode.js';
// jaeger.thrift's structs and Thrift's type ids: what a test needs to write Jaeger batches as clients do.
export { SpanRefType, TagType } from './jaeger/jaeger-batch.js';
export type { JaegerBatch, JaegerLog, JaegerProcess, JaegerSpan, JaegerSpanRef, JaegerTag } from './jaeger/jaeger-batch.js';
export { MessageType, TType } from './jaeger/thrift-reader.js';
