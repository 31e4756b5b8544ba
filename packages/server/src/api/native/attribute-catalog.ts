import type { AnyValue, Attributes, Resource, Span } from '@clew/model';
import { anyValueToString, serviceName } from '@clew/model';
import { RecentMap } from './recent-map.js';

export interface AttributeCatalogLimits {
  /** Distinct keys kept; the least recently seen go first. */
  readonly maxKeys: number;
  /** Distinct values kept per key; the least recently seen go first. */
  readonly maxValuesPerKey: number;
  /** Longer values are not suggested (ids, SQL, stack traces are not what a person picks from a list). */
  readonly maxValueLength: number;
  /** Services remembered per key and per value, to answer `service=` filters. */
  readonly maxServicesPerEntry: number;
}

export const DEFAULT_CATALOG_LIMITS: AttributeCatalogLimits = {
  maxKeys: 500,
  maxValuesPerKey: 100,
  maxValueLength: 256,
  maxServicesPerEntry: 64,
};

/** Where an attribute was seen: TraceQL's `span.` and `resource.` scopes, or on an event. */
export type AttributeScope = 'span' | 'resource' | 'event';

/** What the catalog learns of root spans: TraceQL's rootServiceName and rootName intrinsics. */
export type RootField = 'rootServiceName' | 'rootName';

interface KeyEntry {
  readonly services: Set<string>;
  readonly values: RecentMap<string, Set<string>>;
  readonly scopes: Set<AttributeScope>;
  /** The type of the value last seen, which typed suggestions (TraceQL's tag values) report. */
  type?: AnyValue['type'];
}

/**
 * Attribute keys and their recent values, for search autocomplete. The Store has no query for them, and scanning
 * stored attributes per keystroke would cost far more than it is worth, so the catalog learns from the spans it is
 * shown (by ingest, through {@link recordSpans}, and by the native API's reads). Bounded: at most maxKeys ×
 * maxValuesPerKey values, so memory stays flat however many spans pass. Suggestions, not an index: a value last
 * seen long ago may have been forgotten. Of root spans (no parent) it also keeps the service and span name, the
 * maxValuesPerKey most recent of each, so that suggestions for rootServiceName and rootName are values a root has.
 */
export class AttributeCatalog {
  private readonly keys: RecentMap<string, KeyEntry>;
  /** Resources are shared by reference between spans; their attributes need reading once. */
  private seenResources = new WeakSet<Resource>();
  private readonly roots: Readonly<Record<RootField, RecentMap<string, true>>>;

  constructor(private readonly limits: AttributeCatalogLimits = DEFAULT_CATALOG_LIMITS) {
    this.keys = new RecentMap(limits.maxKeys);
    this.roots = { rootServiceName: new RecentMap(limits.maxValuesPerKey), rootName: new RecentMap(limits.maxValuesPerKey) };
  }

  /** Learns the span, resource and event attributes of `spans`, and the service and name of those that are roots. */
  record(spans: readonly Span[]): void {
    this.recordRoots(spans);
    for (const span of spans) {
      const service = serviceName(span.resource);
      if (!this.seenResources.has(span.resource)) {
        this.seenResources.add(span.resource);
        this.recordAttributes(span.resource.attributes, service, 'resource');
      }
      this.recordAttributes(span.attributes, service, 'span');
      for (const e of span.events) this.recordAttributes(e.attributes, service, 'event');
    }
  }

  /** Keys seen (with `service` when given) that start with `prefix`, sorted. */
  keysOf(service?: string, prefix = ''): string[] {
    const out: string[] = [];
    for (const [key, entry] of this.keys.entries()) {
      if (key.startsWith(prefix) && (service === undefined || entry.services.has(service))) out.push(key);
    }
    return out.sort();
  }

  /** Values of `key` seen (with `service` when given) that start with `prefix`, most recent first. */
  valuesOf(key: string, service?: string, prefix = ''): string[] {
    const entry = this.keys.get(key);
    if (entry === undefined) return [];
    const out: string[] = [];
    for (const [value, services] of entry.values.entries()) {
      if (value.startsWith(prefix) && (service === undefined || services.has(service))) out.push(value);
    }
    return out.reverse();
  }

  /**
   * Learns only the service and name of the root spans among `spans`: cheap enough for every span of every ingest
   * request, where attributes are learned from a sample, so that no root goes unseen.
   */
  recordRoots(spans: readonly Span[]): void {
    for (const span of spans) {
      if (span.parentSpanId !== null) continue;
      this.recordRoot('rootServiceName', serviceName(span.resource));
      this.recordRoot('rootName', span.name);
    }
  }

  /** Service names (rootServiceName) or span names (rootName) seen on root spans, most recent first. */
  rootValuesOf(field: RootField): string[] {
    return [...this.roots[field].entries()].map(([value]) => value).reverse();
  }

  /** The scopes `key` was seen in and the type of its last value, or undefined for a key not (or no longer) known. */
  keyInfo(key: string): { readonly scopes: ReadonlySet<AttributeScope>; readonly type: AnyValue['type'] | undefined } | undefined {
    const entry = this.keys.get(key);
    return entry && { scopes: entry.scopes, type: entry.type };
  }

  private recordAttributes(attrs: Attributes, service: string, scope: AttributeScope): void {
    const { maxValuesPerKey, maxValueLength } = this.limits;
    for (const kv of attrs) {
      const entry = this.keys.touch(kv.key) ?? this.keys.add(kv.key, { services: new Set(), values: new RecentMap(maxValuesPerKey), scopes: new Set() });
      this.addService(entry.services, service);
      entry.scopes.add(scope);
      entry.type = kv.value.type;
      const t = kv.value.type;
      if (t === 'bytes' || t === 'array' || t === 'kvlist' || t === 'empty') continue;
      const text = anyValueToString(kv.value);
      if (text.length > maxValueLength) continue;
      this.addService(entry.values.touch(text) ?? entry.values.add(text, new Set()), service);
    }
  }

  private recordRoot(field: RootField, value: string): void {
    const roots = this.roots[field];
    if (value.length <= this.limits.maxValueLength && roots.touch(value) === undefined) roots.add(value, true);
  }

  private addService(set: Set<string>, service: string): void {
    if (set.size < this.limits.maxServicesPerEntry) set.add(service);
  }
}
