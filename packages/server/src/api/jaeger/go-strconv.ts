/**
 * Go's strconv parsers, with their exact error texts. Jaeger reports these texts verbatim in its 400 responses
 * (e.g. `strconv.ParseInt: parsing "abc": invalid syntax`), so clients and people reading them see the same words.
 */

/** A parse failure whose message is the text Go's strconv (or time) package would give. */
export class GoParseError extends Error {
  override readonly name = 'GoParseError';
}

/** Go's strconv.Quote for the ASCII range Jaeger's inputs live in; other bytes as \x escapes like Go's time.quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += '\\' + String.fromCharCode(byte);
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += '\\x' + byte.toString(16).padStart(2, '0');
  }
  return out + '"';
}

const DECIMAL = /^[+-]?[0-9]+$/;

/**
 * strconv.ParseInt(s, 10, bits): an optional sign and decimal digits, within a signed `bits`-bit range.
 * @example parseGoInt('42', 64) === 42n
 */
export function parseGoInt(s: string, bits: 32 | 64): bigint {
  if (!DECIMAL.test(s)) throw new GoParseError(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (v > max || v < -max - 1n) throw new GoParseError(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  return v;
}

/** strconv.Atoi: like ParseInt(s, 10, 64) but named Atoi in its errors. */
export function parseGoAtoi(s: string): number {
  try {
    return Number(parseGoInt(s, 64));
  } catch (e) {
    throw new GoParseError((e as Error).message.replace('strconv.ParseInt', 'strconv.Atoi'));
  }
}

/** strconv.ParseUint(s, 16, 64): hex digits only (no sign, no prefix), at most 64 bits. */
export function parseGoHexUint64(s: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(s)) throw new GoParseError(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt('0x' + s);
  if (v >= 1n << 64n) throw new GoParseError(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return v;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool: the twelve spellings Go accepts. */
export function parseGoBool(s: string): boolean {
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new GoParseError(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}
