// Hand-assembled protobuf bytes for tests: unknown fields of every wire type, groups, and deliberately broken
// encodings that no encoder would produce. Independent of both the reader under test and protobufjs.

export function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export const tag = (field: number, wireType: number): number[] => varint(field * 8 + wireType);

/** A length-delimited field holding the concatenation of `parts`. */
export function ld(field: number, ...parts: (number[] | Uint8Array)[]): number[] {
  const body = parts.flatMap((p) => [...p]);
  return [...tag(field, 2), ...varint(body.length), ...body];
}

export const vint = (field: number, n: number | bigint): number[] => [...tag(field, 0), ...varint(n)];
export const fixed32 = (field: number, n: number): number[] => [...tag(field, 5), n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
export function fixed64(field: number, n: bigint): number[] {
  const out = tag(field, 1);
  for (let i = 0n; i < 8n; i++) out.push(Number((BigInt.asUintN(64, n) >> (8n * i)) & 0xffn));
  return out;
}
export const str = (field: number, s: string): number[] => ld(field, Buffer.from(s, 'utf8'));
export const group = (field: number, ...parts: number[][]): number[] => [...tag(field, 3), ...parts.flat(), ...tag(field, 4)];

/** One unknown field of each wire type (numbers chosen unused by every OTLP trace message), including a nested group. */
export const UNKNOWN_FIELDS: number[] = [
  ...vint(1000, 2n ** 63n),
  ...fixed64(1001, 7n),
  ...str(1002, 'unknown'),
  ...fixed32(1003, 9),
  ...group(1004, vint(1, 1), group(2, str(3, 'x')), fixed32(4, 1)),
];

export const bytes = (...parts: number[][]): Uint8Array => new Uint8Array(parts.flat());
