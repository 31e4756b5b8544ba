import type { Resource, Scope, Span, SpanEvent, SpanLink } from '@clew/model';
import { groupSpans } from '../group-spans.js';
import { writeAttributes } from './encode-attributes.js';
import { VARINT } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

/**
 * Encodes spans as an ExportTraceServiceRequest, one ResourceSpans per Resource object and one ScopeSpans per
 * Scope object within it. Default values are left off the wire, as proto3 does.
 */
export function encodeOtlpProto(spans: readonly Span[]): Uint8Array {
  // About 450 bytes a span on the wire for realistic spans: sized so that a batch rarely grows the buffer.
  const w = new WireWriter(256 + spans.length * 512);
  for (const group of groupSpans(spans)) {
    w.message(1, () => {
      w.message(1, () => writeResource(w, group.resource));
      for (const sg of group.scopes) {
        w.message(2, () => {
          w.message(1, () => writeScope(w, sg.scope));
          for (const span of sg.spans) {
            const at = w.begin(2);
            writeSpan(w, span);
            w.end(at);
          }
          w.stringField(3, sg.scope.schemaUrl);
        });
      }
      w.stringField(3, group.resource.schemaUrl);
    });
  }
  return w.finish();
}

function writeResource(w: WireWriter, r: Resource): void {
  writeAttributes(w, 1, r.attributes);
  w.uint32Field(2, r.droppedAttributesCount);
  for (const ref of r.entityRefs) {
    w.message(3, () => {
      w.stringField(1, ref.schemaUrl);
      w.stringField(2, ref.type);
      for (const k of ref.idKeys) w.string(3, k);
      for (const k of ref.descriptionKeys) w.string(4, k);
    });
  }
}

function writeScope(w: WireWriter, s: Scope): void {
  w.stringField(1, s.name);
  w.stringField(2, s.version);
  writeAttributes(w, 3, s.attributes);
  w.uint32Field(4, s.droppedAttributesCount);
}

function writeSpan(w: WireWriter, s: Span): void {
  w.hexBytes(1, s.traceId);
  w.hexBytes(2, s.spanId);
  w.stringField(3, s.traceState);
  if (s.parentSpanId !== null) w.hexBytes(4, s.parentSpanId);
  w.stringField(5, s.name);
  w.uint32Field(6, s.kind);
  w.fixed64Field(7, s.startTimeUnixNano);
  w.fixed64Field(8, s.endTimeUnixNano);
  writeAttributes(w, 9, s.attributes);
  w.uint32Field(10, s.droppedAttributesCount);
  for (const e of s.events) w.message(11, () => writeEvent(w, e));
  w.uint32Field(12, s.droppedEventsCount);
  for (const l of s.links) w.message(13, () => writeLink(w, l));
  w.uint32Field(14, s.droppedLinksCount);
  if (s.status.code !== 0 || s.status.message !== '') {
    w.message(15, () => {
      w.stringField(2, s.status.message);
      if (s.status.code !== 0) {
        w.tag(3, VARINT);
        w.varint(s.status.code);
      }
    });
  }
  w.fixed32Field(16, s.flags);
}

function writeEvent(w: WireWriter, e: SpanEvent): void {
  w.fixed64Field(1, e.timeUnixNano);
  w.stringField(2, e.name);
  writeAttributes(w, 3, e.attributes);
  w.uint32Field(4, e.droppedAttributesCount);
}

function writeLink(w: WireWriter, l: SpanLink): void {
  w.hexBytes(1, l.traceId);
  w.hexBytes(2, l.spanId);
  w.stringField(3, l.traceState);
  writeAttributes(w, 4, l.attributes);
  w.uint32Field(5, l.droppedAttributesCount);
  w.fixed32Field(6, l.flags);
}
