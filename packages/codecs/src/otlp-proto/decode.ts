import type { EntityRef, KeyValue, Resource, Scope } from '@clew/model';
import type { DecodeResult } from '../decode-result.js';
import { SpanSink } from '../validate.js';
import { readKeyValue } from './decode-attributes.js';
import { readSpan } from './decode-span.js';
import type { SpanDraft } from './decode-span.js';
import { WireReader } from './wire-reader.js';

/** Stand-ins while a ResourceSpans / ScopeSpans is still being read; never left in a returned span. */
const PENDING_RESOURCE: Resource = Object.freeze({ attributes: [], droppedAttributesCount: 0, entityRefs: [], schemaUrl: '' });
const PENDING_SCOPE: Scope = Object.freeze({ name: '', version: '', attributes: [], droppedAttributesCount: 0, schemaUrl: '' });

/**
 * Decodes an ExportTraceServiceRequest (or TracesData: same wire shape) straight into model spans. Spans of one
 * ResourceSpans / ScopeSpans share one Resource / Scope object. Throws DecodeError on malformed input; spans with
 * unusable ids are counted in `rejected`, unless `opts.checkIds` is false (spans Clew gave out itself: see SpanSink).
 * @example const { spans, rejected, rejectMessage } = decodeOtlpProto(body);
 */
export function decodeOtlpProto(buf: Uint8Array, opts: { readonly checkIds?: boolean } = {}): DecodeResult {
  const r = new WireReader(buf);
  const sink = new SpanSink(opts.checkIds ?? true);
  const end = r.buf.length;
  while (r.pos < end) {
    const wt = r.tag(end);
    if (r.field === 1) readResourceSpans(r, wt, end, sink);
    else r.skip(wt, end);
  }
  return sink.result();
}

function readResourceSpans(r: WireReader, wireType: number, end: number, sink: SpanSink): void {
  const stop = r.enter(wireType, end, 'ResourceSpans');
  const first = sink.spans.length;
  let resource: Omit<Resource, 'schemaUrl'> = PENDING_RESOURCE;
  let schemaUrl = '';
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) resource = readResource(r, wt, stop);
    else if (r.field === 2) readScopeSpans(r, wt, stop, sink);
    else if (r.field === 3) schemaUrl = r.string(wt, stop);
    else r.skip(wt, stop);
  }
  r.leave();
  // schema_url may follow the spans on the wire, so the shared Resource is made once the message is complete.
  const shared: Resource = { attributes: resource.attributes, droppedAttributesCount: resource.droppedAttributesCount, entityRefs: resource.entityRefs, schemaUrl };
  const spans = sink.spans as SpanDraft[];
  for (let i = first; i < spans.length; i++) spans[i]!.resource = shared;
}

function readResource(r: WireReader, wireType: number, end: number): Omit<Resource, 'schemaUrl'> {
  const stop = r.enter(wireType, end, 'Resource');
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  const entityRefs: EntityRef[] = [];
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) readKeyValue(r, wt, stop, attributes);
    else if (r.field === 2) droppedAttributesCount = r.uint32(wt, stop);
    else if (r.field === 3) entityRefs.push(readEntityRef(r, wt, stop));
    else r.skip(wt, stop);
  }
  r.leave();
  return { attributes, droppedAttributesCount, entityRefs };
}

function readEntityRef(r: WireReader, wireType: number, end: number): EntityRef {
  const stop = r.enter(wireType, end, 'EntityRef');
  let schemaUrl = '';
  let type = '';
  const idKeys: string[] = [];
  const descriptionKeys: string[] = [];
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) schemaUrl = r.string(wt, stop);
    else if (r.field === 2) type = r.string(wt, stop);
    else if (r.field === 3) idKeys.push(r.string(wt, stop));
    else if (r.field === 4) descriptionKeys.push(r.string(wt, stop));
    else r.skip(wt, stop);
  }
  r.leave();
  return { schemaUrl, type, idKeys, descriptionKeys };
}

function readScopeSpans(r: WireReader, wireType: number, end: number, sink: SpanSink): void {
  const stop = r.enter(wireType, end, 'ScopeSpans');
  const first = sink.spans.length;
  let scope: Omit<Scope, 'schemaUrl'> = PENDING_SCOPE;
  let schemaUrl = '';
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) scope = readScope(r, wt, stop);
    else if (r.field === 2) readSpan(r, wt, stop, sink, PENDING_RESOURCE, PENDING_SCOPE);
    else if (r.field === 3) schemaUrl = r.string(wt, stop);
    else r.skip(wt, stop);
  }
  r.leave();
  const shared: Scope = { name: scope.name, version: scope.version, attributes: scope.attributes, droppedAttributesCount: scope.droppedAttributesCount, schemaUrl };
  const spans = sink.spans as SpanDraft[];
  for (let i = first; i < spans.length; i++) spans[i]!.scope = shared;
}

function readScope(r: WireReader, wireType: number, end: number): Omit<Scope, 'schemaUrl'> {
  const stop = r.enter(wireType, end, 'InstrumentationScope');
  let name = '';
  let version = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  while (r.pos < stop) {
    const wt = r.tag(stop);
    if (r.field === 1) name = r.string(wt, stop);
    else if (r.field === 2) version = r.string(wt, stop);
    else if (r.field === 3) readKeyValue(r, wt, stop, attributes);
    else if (r.field === 4) droppedAttributesCount = r.uint32(wt, stop);
    else r.skip(wt, stop);
  }
  r.leave();
  return { name, version, attributes, droppedAttributesCount };
}
