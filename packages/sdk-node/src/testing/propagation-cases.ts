// What a service under @clew/node sends downstream for each kind of incoming request, when it injects every format
// (tracecontext, b3, b3multi, jaeger). The same table runs at unit level (propagation.test.ts: the real propagators,
// sampler and tracer) and through a real instrumented app with OTEL_TRACES_EXPORTER=none (propagation.int.test.ts).
//
// In `outgoing`, `{span}` stands for the span id this service sends on (a new one, never the caller's) and `{trace}`
// for a trace id this service started; `T` and `S` are the caller's trace and span ids.

export const T = '4bf92f3577b34da6a3ce929d0e0e4736';
export const S = '00f067aa0ba902b7';
const OTHER_T = '80f198ee56343ba864fe8b2a57d3eff7';
const OTHER_S = 'e457b5a2e4d86bd1';

/** The formats every case injects, as `OTEL_PROPAGATORS` names them. */
export const INJECTED = ['tracecontext', 'b3', 'b3multi', 'jaeger'] as const;

/** The outgoing headers the cases speak of (baggage has tests of its own). */
export const TRACE_HEADERS = ['traceparent', 'tracestate', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags', 'x-b3-parentspanid', 'uber-trace-id'];

export interface PropagationCase {
  name: string;
  /** Incoming headers, names in lower case as Node.js hands them over. */
  incoming: Record<string, string>;
  outgoing: Record<string, string>;
  /** Whether this service samples the request. */
  sampled: boolean;
}

type Flags = '00' | '01' | '02' | '03';

/**
 * The trace headers sent for W3C trace `traceId` with `flags`: B3 and Jaeger carry only the sampled bit. `changes`
 * adds headers, or removes them with undefined.
 */
function sent(traceId: string, flags: Flags, changes: Record<string, string | undefined> = {}): Record<string, string> {
  const sampled = Number.parseInt(flags, 16) & 1;
  const headers: Record<string, string | undefined> = {
    traceparent: `00-${traceId}-{span}-${flags}`,
    b3: `${traceId}-{span}-${sampled}`,
    'x-b3-traceid': traceId,
    'x-b3-spanid': '{span}',
    'x-b3-sampled': `${sampled}`,
    'uber-trace-id': `${traceId}:{span}:0:0${sampled}`,
    ...changes,
  };
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
}

const tp = (flags: string, traceId = T): string => `00-${traceId}-${S}-${flags}`;
/** `count` tracestate members `m1=v1` … with values padded to `width` characters. */
const members = (count: number, width = 2): string[] => Array.from({ length: count }, (_, i) => `m${i + 1}=${`v${i + 1}`.padEnd(width, 'x')}`);

export const PROPAGATION_CASES: PropagationCase[] = [
  // W3C traceparent
  { name: 'W3C, sampled', incoming: { traceparent: tp('01') }, outgoing: sent(T, '01'), sampled: true },
  { name: 'W3C, sampled, random trace id: the flag is kept (and is not Jaeger debug)', incoming: { traceparent: tp('03') }, outgoing: sent(T, '03'), sampled: true },
  { name: 'W3C, not sampled, random trace id', incoming: { traceparent: tp('02') }, outgoing: sent(T, '02'), sampled: false },
  { name: 'W3C, not sampled', incoming: { traceparent: tp('00') }, outgoing: sent(T, '00'), sampled: false },
  { name: 'W3C, flags the spec does not define are zeroed', incoming: { traceparent: tp('ff') }, outgoing: sent(T, '03'), sampled: true },
  { name: 'W3C of a future version with more fields', incoming: { traceparent: `cc-${T}-${S}-01-later` }, outgoing: sent(T, '01'), sampled: true },
  { name: 'nothing: a new trace, its id random', incoming: {}, outgoing: sent('{trace}', '03'), sampled: true },
  {
    name: 'a malformed traceparent (upper case) starts a new trace, without its tracestate',
    incoming: { traceparent: tp('01', T.toUpperCase()), tracestate: 'foo=1' },
    outgoing: sent('{trace}', '03'),
    sampled: true,
  },
  { name: 'a tracestate without traceparent is dropped', incoming: { tracestate: 'foo=1' }, outgoing: sent('{trace}', '03'), sampled: true },

  // tracestate
  {
    name: 'tracestate is passed on',
    incoming: { traceparent: tp('01'), tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' },
    outgoing: sent(T, '01', { tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' }),
    sampled: true,
  },
  {
    name: 'tracestate: whitespace around members and empty members go, a value\'s leading space stays',
    incoming: { traceparent: tp('01'), tracestate: 'foo=1 \t , \t bar= 2,, ,baz=3' },
    outgoing: sent(T, '01', { tracestate: 'foo=1,bar= 2,baz=3' }),
    sampled: true,
  },
  { name: 'tracestate: of a duplicated key the first is kept', incoming: { traceparent: tp('01'), tracestate: 'foo=1,foo=2' }, outgoing: sent(T, '01', { tracestate: 'foo=1' }), sampled: true },
  {
    name: 'tracestate: keys with @ after the first character, of any length up to 256 (current grammar)',
    incoming: { traceparent: tp('01'), tracestate: `foo@=1,foo@@bar=2,${'t'.repeat(242)}@v=3,1tenant@sys=4` },
    outgoing: sent(T, '01', { tracestate: `foo@=1,foo@@bar=2,${'t'.repeat(242)}@v=3,1tenant@sys=4` }),
    sampled: true,
  },
  {
    name: 'tracestate: 32 members are kept',
    incoming: { traceparent: tp('01'), tracestate: members(32).join(',') },
    outgoing: sent(T, '01', { tracestate: members(32).join(',') }),
    sampled: true,
  },
  { name: 'tracestate: a key of 256 characters is kept', incoming: { traceparent: tp('01'), tracestate: `${'z'.repeat(256)}=1` }, outgoing: sent(T, '01', { tracestate: `${'z'.repeat(256)}=1` }), sampled: true },
  ...[
    ['a key that starts with @', '@foo=1,bar=2'],
    ['an illegal key character', 'foo.bar=1,bar=2'],
    ['an upper-case key', 'FOO=1,bar=2'],
    ['an empty value', 'foo=,bar=3'],
    ['a value with =', 'foo=bar=baz,bar=2'],
    ['a member without =', 'foo,bar=2'],
    ['33 members', members(33).join(',')],
    ['a key of 257 characters', `bar=2,${'z'.repeat(257)}=1`],
    ['an empty header', ''],
  ].map(([what, tracestate]) => ({
    name: `tracestate: ${what} discards it whole, and no empty header is sent`,
    incoming: { traceparent: tp('01'), tracestate },
    outgoing: sent(T, '01'),
    sampled: true,
  })),
  {
    name: 'tracestate over 512 characters loses whole entries, those over 128 characters first',
    incoming: { traceparent: tp('01'), tracestate: [`big=${'x'.repeat(200)}`, ...members(10, 30)].join(',') },
    outgoing: sent(T, '01', { tracestate: members(10, 30).join(',') }),
    sampled: true,
  },
  {
    name: 'tracestate over 512 characters loses whole entries from the right',
    incoming: { traceparent: tp('01'), tracestate: members(16, 30).join(',') },
    outgoing: sent(T, '01', { tracestate: members(14, 30).join(',') }),
    sampled: true,
  },

  // B3 (the trace ids come from elsewhere: the random-trace-id flag is never set on them)
  { name: 'B3 single', incoming: { b3: `${T}-${S}-1` }, outgoing: sent(T, '01'), sampled: true },
  { name: 'B3 single, 64-bit trace id', incoming: { b3: `${T.slice(16)}-${S}-1` }, outgoing: sent(`${'0'.repeat(16)}${T.slice(16)}`, '01'), sampled: true },
  { name: 'B3 single in upper case is sent on in lower case', incoming: { b3: `${T}-${S}-1`.toUpperCase() }, outgoing: sent(T, '01'), sampled: true },
  { name: 'B3 single without a sampling state defers to the local sampler', incoming: { b3: `${T}-${S}` }, outgoing: sent(T, '01'), sampled: true },
  { name: 'B3 single, deny', incoming: { b3: `${T}-${S}-0` }, outgoing: sent(T, '00'), sampled: false },
  { name: 'B3 single, debug', incoming: { b3: `${T}-${S}-d` }, outgoing: sent(T, '01', { b3: `${T}-{span}-d` }), sampled: true },
  { name: 'B3 single, deny without ids: a new trace, not sampled', incoming: { b3: '0' }, outgoing: sent('{trace}', '02'), sampled: false },
  { name: 'B3 single, accept without ids: a new trace, sampled', incoming: { b3: '1' }, outgoing: sent('{trace}', '03'), sampled: true },
  { name: 'B3 multi', incoming: { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '1' }, outgoing: sent(T, '01'), sampled: true },
  {
    name: 'B3 multi in upper case is sent on in lower case',
    incoming: { 'x-b3-traceid': T.toUpperCase(), 'x-b3-spanid': S.toUpperCase(), 'x-b3-sampled': '1' },
    outgoing: sent(T, '01'),
    sampled: true,
  },
  { name: 'B3 multi without X-B3-Sampled defers to the local sampler', incoming: { 'x-b3-traceid': T, 'x-b3-spanid': S }, outgoing: sent(T, '01'), sampled: true },
  { name: 'B3 multi, deny', incoming: { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-sampled': '0' }, outgoing: sent(T, '00'), sampled: false },
  {
    name: 'B3 multi, debug',
    incoming: { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1' },
    outgoing: sent(T, '01', { 'x-b3-flags': '1', 'x-b3-sampled': undefined }),
    sampled: true,
  },
  { name: 'X-B3-Sampled: 0 without ids: a new trace, not sampled', incoming: { 'x-b3-sampled': '0' }, outgoing: sent('{trace}', '02'), sampled: false },

  // Jaeger
  { name: 'Jaeger', incoming: { 'uber-trace-id': `${T}:${S}:0:1` }, outgoing: sent(T, '01'), sampled: true },
  { name: 'Jaeger in upper case is sent on in lower case', incoming: { 'uber-trace-id': `${T}:${S}:0:1`.toUpperCase() }, outgoing: sent(T, '01'), sampled: true },
  { name: 'Jaeger debug (0x02) is not the W3C random flag', incoming: { 'uber-trace-id': `${T}:${S}:0:3` }, outgoing: sent(T, '01'), sampled: true },
  { name: 'Jaeger, not sampled', incoming: { 'uber-trace-id': `${T}:${S}:0:0` }, outgoing: sent(T, '00'), sampled: false },

  // Several formats in one request: W3C, else B3, else Jaeger; nothing of a losing header reaches the winner's trace
  { name: 'W3C over B3 debug (single): no debug on the W3C trace', incoming: { traceparent: tp('01'), b3: `${OTHER_T}-${OTHER_S}-d` }, outgoing: sent(T, '01'), sampled: true },
  {
    name: 'W3C over B3 debug (multi): no X-B3-Flags on the W3C trace',
    incoming: { traceparent: tp('01'), 'x-b3-traceid': OTHER_T, 'x-b3-spanid': OTHER_S, 'x-b3-flags': '1' },
    outgoing: sent(T, '01'),
    sampled: true,
  },
  { name: 'W3C not sampled over B3 debug', incoming: { traceparent: tp('00'), b3: `${OTHER_T}-${OTHER_S}-d` }, outgoing: sent(T, '00'), sampled: false },
  { name: 'W3C over a B3 deny without ids', incoming: { traceparent: tp('01'), b3: '0' }, outgoing: sent(T, '01'), sampled: true },
  { name: 'W3C over B3 ids without a sampling state', incoming: { traceparent: tp('00'), b3: `${OTHER_T}-${OTHER_S}` }, outgoing: sent(T, '00'), sampled: false },
  { name: 'B3 over Jaeger', incoming: { b3: `${T}-${S}-1`, 'uber-trace-id': `${OTHER_T}:${OTHER_S}:0:0` }, outgoing: sent(T, '01'), sampled: true },
  { name: 'B3 beside a malformed traceparent', incoming: { traceparent: `ff-${OTHER_T}-${OTHER_S}-01`, b3: `${T}-${S}-0` }, outgoing: sent(T, '00'), sampled: false },
  {
    name: 'B3 without a sampling state beside a malformed traceparent defers',
    incoming: { traceparent: `00-${OTHER_T}-${OTHER_S}-1`, b3: `${T}-${S}` },
    outgoing: sent(T, '01'),
    sampled: true,
  },
];

/** The trace headers of `headers`. */
export function traceHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => TRACE_HEADERS.includes(name)));
}

/** `outgoing` with `{span}` and `{trace}` replaced by the ids this service used. */
export function resolved(outgoing: Record<string, string>, ids: { spanId: string; traceId: string }): Record<string, string> {
  return Object.fromEntries(Object.entries(outgoing).map(([name, value]) => [name, value.replaceAll('{span}', ids.spanId).replaceAll('{trace}', ids.traceId)]));
}

/** Whether the case expects this service to start a trace of its own. */
export const startsTrace = (c: PropagationCase): boolean => c.outgoing.traceparent.includes('{trace}');
