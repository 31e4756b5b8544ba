import type { TraceState } from '@opentelemetry/api';

// The grammar of the current W3C Trace Context (Level 2 and the editor's draft, spec/20-http_request_header_format.md):
//   key      = ( lcalpha / DIGIT ) 0*255 ( keychar )
//   keychar  = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
//   value    = 0*255(chr) nblk-chr ; chr = %x20 / nblk-chr ; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
// Level 1 split keys into simple keys and tenant@system keys (at most 241 and 14 characters); that split is gone, and
// the W3C test suite checks keys such as `foo@`, `foo@@bar` and `ttt…t@v` (242 t) as valid.
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** Optional whitespace around list members: spaces and horizontal tabs, nothing else. */
const OWS = /^[ \t]+|[ \t]+$/g;
const MAX_MEMBERS = 32;
/** The spec asks every vendor to propagate at least 512 characters; above that, whole entries go. */
const MAX_LENGTH = 512;
/** Entries longer than this are the first to go when the list is too long. */
const LONG_MEMBER = 128;

type Member = readonly [key: string, value: string];

const memberLength = ([key, value]: Member): number => key.length + 1 + value.length;

/**
 * Cuts a list longer than 512 characters as the spec orders: whole entries, those over 128 characters first, then
 * from the right (the oldest entries, since new and updated ones go on the left).
 */
function truncated(members: Member[]): Member[] {
  let length = members.reduce((sum, m) => sum + memberLength(m), 0) + members.length - 1;
  while (length > MAX_LENGTH) {
    let drop = members.length - 1;
    for (let i = members.length - 1; i >= 0; i--) {
      if (memberLength(members[i]) > LONG_MEMBER) {
        drop = i;
        break;
      }
    }
    length -= memberLength(members[drop]) + 1;
    members.splice(drop, 1);
  }
  return members;
}

/**
 * A W3C `tracestate` list under the current key grammar. Immutable: `set` and `unset` return a new list. Unlike
 * OpenTelemetry JS's TraceState, which drops bad members one by one, a malformed header is refused whole.
 */
export class W3CTraceState implements TraceState {
  private constructor(private readonly members: readonly Member[]) {}

  /**
   * Reads a `tracestate` header value (several headers joined with commas). Returns undefined when it has no
   * members, or when any member is malformed or there are more than 32 of them: the whole header is then discarded.
   * Empty and whitespace-only members are allowed; of a duplicated key the first (left-most, most recent) is kept.
   * @example W3CTraceState.parse('rojo=00f067aa0ba902b7, congo=t61rcWkgMzE')?.get('congo') // 't61rcWkgMzE'
   */
  static parse(header: string): W3CTraceState | undefined {
    const members: Member[] = [];
    let count = 0;
    for (const raw of header.split(',')) {
      const member = raw.replace(OWS, '');
      if (member === '') continue;
      const eq = member.indexOf('=');
      const key = member.slice(0, eq);
      const value = member.slice(eq + 1);
      if (eq < 0 || !KEY.test(key) || !VALUE.test(value) || ++count > MAX_MEMBERS) return undefined;
      if (!members.some(([k]) => k === key)) members.push([key, value]);
    }
    const kept = truncated(members);
    return kept.length === 0 ? undefined : new W3CTraceState(kept);
  }

  set(key: string, value: string): TraceState {
    if (!KEY.test(key) || !VALUE.test(value)) return this;
    const members = [[key, value] as const, ...this.members.filter(([k]) => k !== key)].slice(0, MAX_MEMBERS);
    return new W3CTraceState(truncated(members));
  }

  unset(key: string): TraceState {
    return new W3CTraceState(this.members.filter(([k]) => k !== key));
  }

  get(key: string): string | undefined {
    return this.members.find(([k]) => k === key)?.[1];
  }

  serialize(): string {
    return this.members.map(([key, value]) => `${key}=${value}`).join(',');
  }
}
