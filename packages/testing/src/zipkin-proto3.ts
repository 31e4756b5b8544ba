import type { IMapField } from 'protobufjs';
import protobuf from 'protobufjs';

// protobufjs reads a field with a keyType as a map, but types a message's fields as IField (without keyType).
const TAGS: IMapField = { keyType: 'string', type: 'string', id: 11 };

/**
 * zipkin.proto3 (openzipkin/zipkin-api) as protobufjs types: the reference encoder the hand-written Zipkin proto
 * reader is checked against. Field numbers exactly as in the .proto file.
 */
export const zipkinProto3 = protobuf.Root.fromJSON({
  nested: {
    zipkin: {
      nested: {
        proto3: {
          nested: {
            Endpoint: { fields: { serviceName: { type: 'string', id: 1 }, ipv4: { type: 'bytes', id: 2 }, ipv6: { type: 'bytes', id: 3 }, port: { type: 'int32', id: 4 } } },
            Annotation: { fields: { timestamp: { type: 'fixed64', id: 1 }, value: { type: 'string', id: 2 } } },
            Span: {
              fields: {
                traceId: { type: 'bytes', id: 1 },
                parentId: { type: 'bytes', id: 2 },
                id: { type: 'bytes', id: 3 },
                kind: { type: 'Kind', id: 4 },
                name: { type: 'string', id: 5 },
                timestamp: { type: 'fixed64', id: 6 },
                duration: { type: 'uint64', id: 7 },
                localEndpoint: { type: 'Endpoint', id: 8 },
                remoteEndpoint: { type: 'Endpoint', id: 9 },
                annotations: { rule: 'repeated', type: 'Annotation', id: 10 },
                tags: TAGS,
                debug: { type: 'bool', id: 12 },
                shared: { type: 'bool', id: 13 },
              },
              nested: { Kind: { values: { SPAN_KIND_UNSPECIFIED: 0, CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } } },
            },
            ListOfSpans: { fields: { spans: { rule: 'repeated', type: 'Span', id: 1 } } },
          },
        },
      },
    },
  },
}).lookupType('zipkin.proto3.ListOfSpans');

/** A ListOfSpans encoded by protobufjs. */
export function encodeZipkinProto3(spans: object[]): Uint8Array {
  return zipkinProto3.encode(zipkinProto3.fromObject({ spans })).finish();
}
