import { goHtmlSafe } from '@clew/model';
import type { MetricFamily } from './metric-family.js';

/** A JSON value as gogo/protobuf's jsonpb lays it out: objects by field, arrays, and finished scalar text. */
type Node = { readonly fields: ReadonlyArray<readonly [string, Node]> } | { readonly items: readonly Node[] } | string;

/**
 * A MetricFamily as Jaeger writes it (http_handler.go writeJSON → gogo jsonpb's Marshaler, camelCase names, zero
 * values left out): `{"name","type":"GAUGE","help","metrics":[{"labels":[{"name","value"}],"metricPoints":
 * [{"gaugeValue":{"doubleValue":x},"timestamp":"…Z"}]}]}`. An empty list of metrics is written as `[]` (the readers'
 * slices are never nil), an empty label value is left out, a double of 0 is written (it is a oneof), NaN and ±Inf are
 * the strings "NaN", "Infinity", "-Infinity", timestamps are RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits.
 * `indent` is jsonpb's Indent (Jaeger's `prettyPrint` sets four spaces), with jsonpb's own layout.
 */
export function metricFamilyJson(family: MetricFamily, indent = ''): string {
  const root: Node = {
    fields: [
      ...stringField('name', family.name),
      ['type', JSON.stringify(family.type)],
      ...stringField('help', family.help),
      [
        'metrics',
        {
          items: family.metrics.map((m) => ({
            fields: [
              ['labels', { items: m.labels.map((l) => ({ fields: [...stringField('name', l.name), ...stringField('value', l.value)] })) }],
              [
                'metricPoints',
                {
                  items: m.metricPoints.map((p) => ({
                    fields: [
                      ['gaugeValue', { fields: [['doubleValue', jsonpbDouble(p.value)]] }],
                      ['timestamp', JSON.stringify(protoTimestamp(p.t))],
                    ],
                  })),
                },
              ],
            ],
          })),
        },
      ],
    ],
  };
  return goHtmlSafe(writeObject(root as { fields: ReadonlyArray<readonly [string, Node]> }, '', indent));
}

function stringField(name: string, value: string): Array<readonly [string, Node]> {
  return value === '' ? [] : [[name, JSON.stringify(value)]];
}

/** jsonpb's doubles: non-finite values as strings; others as encoding/json writes them, which JSON.stringify matches. */
function jsonpbDouble(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  return JSON.stringify(v);
}

/**
 * google.protobuf.Timestamp in jsonpb: `2006-01-02T15:04:05` plus 0, 3, 6 or 9 fractional digits, then `Z`.
 * @example protoTimestamp(1622711526000) === '2021-06-03T09:12:06Z'
 */
export function protoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // always .mmm
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}

// marshalObject: fields at indent + Indent; marshalValue: array items at indent + 2×Indent, nested objects one deeper.
function writeObject(node: { fields: ReadonlyArray<readonly [string, Node]> }, at: string, indent: string): string {
  const nl = indent === '' ? '' : '\n';
  const parts = node.fields.map(([name, value]) => `${indent === '' ? '' : at + indent}"${name}":${indent === '' ? '' : ' '}${writeValue(value, at, indent)}`);
  return `{${nl}${parts.join(indent === '' ? ',' : ',\n')}${indent === '' ? '' : '\n' + at}}`;
}

function writeValue(node: Node, at: string, indent: string): string {
  if (typeof node === 'string') return node;
  if ('fields' in node) return writeObject(node, at + indent, indent);
  const items = node.items.map((item) => (indent === '' ? '' : '\n' + at + indent + indent) + writeValue(item, at + indent, indent));
  return `[${items.join(',')}${indent === '' ? '' : '\n' + at + indent}]`;
}
