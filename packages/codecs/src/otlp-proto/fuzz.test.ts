import { describe, expect, it } from 'vitest';
import { DecodeError } from '../decode-error.js';
import type { DecodeResult } from '../decode-result.js';
import { handBuiltRequest } from '../testing/hand-built.js';
import { reference052, referenceDecode } from '../testing/reference.js';
import { sampleSpans } from '../testing/sample-spans.js';
import { recordSdkSpans, sdkProto } from '../testing/sdk-payloads.js';
import { decodeOtlpProto } from './decode.js';
import { encodeOtlpProto } from './encode.js';

/**
 * Where protobufjs accepts bytes that are not valid protobuf, the reader refuses them. Each refusal of an input
 * the reference accepted must carry one of these reasons:
 * - protobufjs does not check wire types of known fields, so it misreads the bytes as whatever it expected;
 * - nested messages are bounded by the buffer's end, not their parent's, so they may overrun into siblings;
 * - it skips unknown varints of any length, end-groups that do not match, and field number 0;
 * - the 0.52 schema does not know EntityRef, Span.flags or Link.flags, so it skips them unread.
 */
const REFERENCE_IS_LAX =
  /wrong wire type|past the end of the message|truncated (varint|fixed32|fixed64|double)|overlong varint|invalid tag|invalid field number 0|end-group for field \d+ closes group|unterminated group|in EntityRef/;

/** Fixed, so failures reproduce; FUZZ_SEED=n FUZZ_CASES=m explore further (seeds 1–5 × 40,000 cases passed). */
const SEED = Number(process.env.FUZZ_SEED ?? 0xc1e3);
const CASES = Number(process.env.FUZZ_CASES ?? 6000);

/** xorshift32: deterministic and small; uniform enough to pick mutations. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const b = [...src];
  const at = () => Math.floor(rand() * (b.length + 1));
  const steps = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < steps; i++) {
    const p = Math.min(at(), b.length - 1);
    switch (Math.floor(rand() * 7)) {
      case 0: // flip one bit
        if (b.length) b[p] = b[p]! ^ (1 << Math.floor(rand() * 8));
        break;
      case 1: // any byte
        if (b.length) b[p] = Math.floor(rand() * 256);
        break;
      case 2: // insert bytes
        b.splice(at(), 0, ...Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 256)));
        break;
      case 3: // delete a range
        b.splice(p, 1 + Math.floor(rand() * 8));
        break;
      case 4: {
        // duplicate a range (repeated fields, repeated oneof members)
        const len = 1 + Math.floor(rand() * 32);
        b.splice(at(), 0, ...b.slice(p, p + len));
        break;
      }
      case 5: // a run of continuation bytes: overlong varints and huge lengths
        b.splice(p, 0, ...Array(1 + Math.floor(rand() * 12)).fill(0xff));
        break;
      case 6: // change a wire type
        if (b.length) b[p] = (b[p]! & ~7) | Math.floor(rand() * 8);
        break;
    }
  }
  return new Uint8Array(b);
}

type Outcome = { ok: true; result: DecodeResult } | { ok: false; error: unknown };

function run(decode: (b: Uint8Array) => DecodeResult, buf: Uint8Array): Outcome {
  try {
    return { ok: true, result: decode(buf) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The 0.52 schema has no flags or entity refs: compare without them. */
const withoutNewFields = (r: DecodeResult): DecodeResult => ({
  ...r,
  spans: r.spans.map((s) => ({ ...s, flags: 0, links: s.links.map((l) => ({ ...l, flags: 0 })), resource: { ...s.resource, entityRefs: [] } })),
});

/**
 * The path and values of the first difference, or ''. Strings where the reader put U+FFFD are skipped: invalid
 * UTF-8 becomes the replacement character (as Node's and WHATWG's decoders do), while protobufjs's own decoder
 * turns it into arbitrary other characters.
 */
function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (typeof a === 'string' && typeof b === 'string' && a !== b && a.includes('\uFFFD')) return '';
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) ? '' : `${path}: ${String(a)} vs reference ${String(b)}`;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== '') return d;
  }
  return '';
}

interface Tally {
  bothAccept: number;
  bothReject: number;
  laxReference: Map<string, number>;
  problems: string[];
}

function check(buf: Uint8Array, tally: Tally, label: string): void {
  const mine = run(decodeOtlpProto, buf);
  if (!mine.ok && !(mine.error instanceof DecodeError)) {
    tally.problems.push(`${label}: threw ${String(mine.error)} instead of DecodeError`);
    return;
  }
  const ref = run((b) => referenceDecode(reference052, b), buf);
  if (mine.ok && ref.ok) {
    tally.bothAccept++;
    const difference = firstDifference(withoutNewFields(mine.result), ref.result);
    if (difference !== '') tally.problems.push(`${label}: values differ: ${difference}`);
  } else if (!mine.ok && !ref.ok) {
    tally.bothReject++;
  } else if (mine.ok) {
    tally.problems.push(`${label}: reader accepted what the reference refused (${String((ref as { error: unknown }).error)})`);
  } else {
    const message = (mine.error as Error).message;
    const reason = REFERENCE_IS_LAX.exec(message)?.[0].replace(/\d+/g, 'N');
    if (reason === undefined) tally.problems.push(`${label}: reader refused what the reference accepted: ${message}`);
    else tally.laxReference.set(reason, (tally.laxReference.get(reason) ?? 0) + 1);
  }
}

const newTally = (): Tally => ({ bothAccept: 0, bothReject: 0, laxReference: new Map(), problems: [] });

describe('decodeOtlpProto on truncated and mutated input', () => {
  const seeds: [string, Uint8Array][] = [
    ['sdk', sdkProto(recordSdkSpans())],
    ['hand-built', handBuiltRequest()],
    ['samples', encodeOtlpProto(sampleSpans().map(([, s]) => s))],
  ];

  it.each(seeds)('every truncation of the %s payload is refused or agrees with the reference', (name, seed) => {
    const tally = newTally();
    for (let len = 0; len < seed.length; len++) check(seed.subarray(0, len), tally, `${name}[0:${len}]`);
    expect(tally.problems.slice(0, 10)).toEqual([]);
    // Most prefixes end inside a message; a few end exactly between top-level fields and are valid.
    expect(tally.bothReject + tally.bothAccept + [...tally.laxReference.values()].reduce((a, b) => a + b, 0)).toBe(seed.length);
  });

  it(`${CASES} random mutations: same decision as the reference where it is sane, same values when both accept`, () => {
    const rand = prng(SEED);
    const tally = newTally();
    for (let i = 0; i < CASES; i++) {
      const [name, seed] = seeds[i % seeds.length]!;
      check(mutate(seed, rand), tally, `${name} mutation ${i}`);
    }
    expect(tally.problems.slice(0, 10)).toEqual([]);
    // The mutations must exercise both paths, and the lax-reference escape must stay the exception.
    expect(tally.bothAccept).toBeGreaterThan(500);
    expect(tally.bothReject).toBeGreaterThan(500);
    const lax = [...tally.laxReference.values()].reduce((a, b) => a + b, 0);
    expect(lax).toBeLessThan(tally.bothAccept + tally.bothReject);
  });

  it('never hangs or allocates from a huge length prefix', () => {
    // A span claiming 2^31 - 1 bytes, and nested groups as deep as a 64 kB body allows.
    const huge = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x12, 0x00]);
    expect(() => decodeOtlpProto(huge)).toThrow(DecodeError);
    const deep = new Uint8Array(65536).fill(0x1b); // field 3, wire type 3, repeated
    expect(() => decodeOtlpProto(deep)).toThrow(/nested too deep/);
  });
});
