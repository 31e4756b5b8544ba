import type { AnyValue, Attributes } from '@clew/model';
import type { WireWriter } from './wire-writer.js';
import { FIXED64, VARINT } from './wire-reader.js';

/** Writes each attribute as a KeyValue message in field `field`. */
export function writeAttributes(w: WireWriter, field: number, attrs: Attributes): void {
  for (const kv of attrs) {
    const at = w.begin(field);
    w.stringField(1, kv.key);
    // Always present, even when empty, so that "no value" survives as an empty AnyValue.
    const value = w.begin(2);
    writeAnyValue(w, kv.value);
    w.end(value);
    w.end(at);
  }
}

/** The body of an AnyValue: the oneof member is written even when it holds a default value. */
function writeAnyValue(w: WireWriter, v: AnyValue): void {
  switch (v.type) {
    case 'string':
      return w.string(1, v.value);
    case 'bool':
      return (w.tag(2, VARINT), w.varint(v.value ? 1 : 0));
    case 'int':
      return (w.tag(3, VARINT), w.int64(v.value));
    case 'double':
      return (w.tag(4, FIXED64), w.double(v.value));
    case 'array':
      return w.message(5, () => {
        for (const item of v.value) w.message(1, () => writeAnyValue(w, item));
      });
    case 'kvlist':
      return w.message(6, () => writeAttributes(w, 1, v.value));
    case 'bytes':
      return w.bytes(7, v.value);
    case 'empty':
      return;
  }
}
