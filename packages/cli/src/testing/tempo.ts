/** An attribute value read from Tempo's JSON, with the type it was written as. */
export type TempoValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  /** base64, as JSON carries bytes */
  | { readonly type: 'bytes'; readonly value: string }
  | { readonly type: 'array'; readonly value: readonly TempoValue[] }
  | { readonly type: 'kvlist'; readonly value: readonly TempoAttribute[] };

export interface TempoAttribute {
  readonly key: string;
  readonly value: TempoValue;
}

export interface TempoEvent {
  readonly timeUnixNano: bigint;
  readonly name: string;
  readonly attributes: readonly TempoAttribute[];
}

export interface TempoLink {
  /** hex */
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: readonly TempoAttribute[];
}

/** One span of a trace read through the Tempo API, ids as hex and enums by Tempo's names, zero values filled in. */
export interface TempoSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  /** e.g. SPAN_KIND_SERVER; SPAN_KIND_UNSPECIFIED when left out */
  readonly kind: string;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  /** Sorted by key: OTLP attributes are a map, and clients do not agree on an order. */
  readonly attributes: readonly TempoAttribute[];
  readonly events: readonly TempoEvent[];
  readonly links: readonly TempoLink[];
  /** e.g. { code: 'STATUS_CODE_ERROR', message: 'timeout' }; STATUS_CODE_UNSET and '' when left out */
  readonly status: { readonly code: string; readonly message: string };
  /** The span's resource attributes, sorted by key. */
  readonly resource: readonly TempoAttribute[];
  readonly scope: { readonly name: string; readonly version: string };
}

/** A typed attribute, for writing expectations: `attr('http.method', 'string', 'GET')`. */
export function attr<T extends TempoValue['type']>(key: string, type: T, value: Extract<TempoValue, { type: T }>['value']): TempoAttribute {
  return { key, value: { type, value } as TempoValue };
}

/** Attributes in the order TempoSpan keeps them. */
export const sortedByKey = (attrs: readonly TempoAttribute[]): TempoAttribute[] => [...attrs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * Reads a trace through the Tempo API (`GET /api/v2/traces/{id}`, JSON) once it holds `spans` spans, polling
 * briefly (spans reach the store a moment after they are acknowledged).
 */
export async function waitForTempoTrace(tempo: string, traceId: string, spans: number, timeoutMs = 15_000): Promise<TempoSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${tempo}/api/v2/traces/${traceId}`);
    const text = await res.text();
    if (res.status === 200) {
      const read = readTempoTrace(JSON.parse(text));
      if (read.length === spans) return read;
    }
    if (Date.now() > deadline) throw new Error(`trace ${traceId} did not reach ${spans} spans through the Tempo API: ${res.status} ${text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The spans of a `/api/v2/traces/{id}` JSON answer (`{ trace: { resourceSpans } }`), checking Tempo's spelling as it goes. */
export function readTempoTrace(body: any): TempoSpan[] {
  const out: TempoSpan[] = [];
  for (const rs of body.trace.resourceSpans as any[]) {
    const resource = sortedByKey(readAttributes(rs.resource?.attributes));
    for (const ss of rs.scopeSpans as any[]) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' };
      for (const s of ss.spans as any[]) {
        out.push({
          traceId: idHex(s.traceId, 16),
          spanId: idHex(s.spanId, 8),
          parentSpanId: s.parentSpanId === undefined ? null : idHex(s.parentSpanId, 8),
          name: s.name ?? '',
          kind: enumName(s.kind, 'SPAN_KIND_UNSPECIFIED'),
          startTimeUnixNano: uint64(s.startTimeUnixNano),
          endTimeUnixNano: uint64(s.endTimeUnixNano),
          attributes: sortedByKey(readAttributes(s.attributes)),
          events: ((s.events ?? []) as any[]).map((e) => ({ timeUnixNano: uint64(e.timeUnixNano), name: e.name ?? '', attributes: sortedByKey(readAttributes(e.attributes)) })),
          links: ((s.links ?? []) as any[]).map((l) => ({ traceId: idHex(l.traceId, 16), spanId: idHex(l.spanId, 8), attributes: sortedByKey(readAttributes(l.attributes)) })),
          status: { code: enumName(s.status?.code, 'STATUS_CODE_UNSET'), message: s.status?.message ?? '' },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** A TraceQL search through `GET /api/search?q=`, with any other parameters; fails unless Tempo's answer is 200. */
export async function searchTempo(tempo: string, q: string, params: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${tempo}/api/search?${new URLSearchParams({ q, ...params }).toString()}`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`search ${q} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/**
 * What a TraceQL search found: each trace (newest first, its id as 32 hex digits) with the ids of the spans that
 * matched in it. Tempo writes search trace ids without leading zeros; one that has them fails here.
 */
export async function traceQLMatches(tempo: string, q: string, params: Record<string, string> = {}): Promise<Array<{ traceId: string; spanIds: string[] }>> {
  const found = await searchTempo(tempo, q, params);
  return (found.traces as any[]).map((t) => ({
    traceId: searchTraceId(t.traceID),
    spanIds: ((t.spanSets ?? []) as any[]).flatMap((ss) => (ss.spans as any[]).map((sp) => sp.spanID)),
  }));
}

/**
 * A search result's `traceID` as 32 hex digits, to compare with the id that was sent. Tempo writes search trace ids
 * without leading zeros (util.TraceIDToHexString), so a random id starts shorter one time in sixteen; an id written
 * any other way fails here.
 * @example searchTraceId('abc') === '00000000000000000000000000000abc'
 */
export function searchTraceId(traceID: unknown): string {
  if (typeof traceID !== 'string' || !/^[1-9a-f][0-9a-f]{0,31}$/.test(traceID)) {
    throw new Error(`search trace id ${JSON.stringify(traceID)} is not Tempo's hex without leading zeros`);
  }
  return traceID.padStart(32, '0');
}

/**
 * The parameters Grafana's Tempo data source sends with a TraceQL search: 20 traces, 3 spans a spanset, and its
 * time picker's range in unix seconds (here five minutes either side of `aroundMs`).
 */
export function grafanaSearchParams(aroundMs: number): Record<string, string> {
  const s = Math.floor(aroundMs / 1000);
  return { limit: '20', spss: '3', start: String(s - 300), end: String(s + 300) };
}

/** Tempo writes ids as the base64 of their bytes (jsonpb's bytes); anything else is a wrong answer. */
function idHex(b64: unknown, bytes: number): string {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error(`id ${JSON.stringify(b64)} is not base64`);
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== bytes) throw new Error(`id ${b64} has ${raw.length} bytes, not ${bytes}`);
  return raw.toString('hex');
}

/** jsonpb writes enums by name and leaves out the zero value. */
function enumName(v: unknown, zero: string): string {
  if (v === undefined) return zero;
  if (typeof v !== 'string') throw new Error(`enum ${JSON.stringify(v)} is not written by name`);
  return v;
}

/** jsonpb writes 64-bit integers as decimal strings and leaves out zero. */
function uint64(v: unknown): bigint {
  if (v === undefined) return 0n;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new Error(`${JSON.stringify(v)} is not a uint64 as jsonpb writes it`);
  return BigInt(v);
}

function readAttributes(kvs: unknown): TempoAttribute[] {
  return ((kvs ?? []) as any[]).map((kv) => ({ key: kv.key, value: readValue(kv.value) }));
}

function readValue(v: any): TempoValue {
  const keys = Object.keys(v);
  if (keys.length !== 1) throw new Error(`attribute value ${JSON.stringify(v)} is not one AnyValue field`);
  if ('stringValue' in v) return { type: 'string', value: v.stringValue };
  if ('boolValue' in v) return { type: 'bool', value: v.boolValue };
  if ('intValue' in v) {
    if (typeof v.intValue !== 'string' || !/^-?\d+$/.test(v.intValue)) throw new Error(`intValue ${JSON.stringify(v.intValue)} is not an int64 as jsonpb writes it`);
    return { type: 'int', value: BigInt(v.intValue) };
  }
  if ('doubleValue' in v) return { type: 'double', value: Number(v.doubleValue) };
  if ('bytesValue' in v) return { type: 'bytes', value: v.bytesValue };
  if ('arrayValue' in v) return { type: 'array', value: ((v.arrayValue.values ?? []) as any[]).map(readValue) };
  if ('kvlistValue' in v) return { type: 'kvlist', value: readAttributes(v.kvlistValue.values) };
  throw new Error(`unknown AnyValue ${JSON.stringify(v)}`);
}
