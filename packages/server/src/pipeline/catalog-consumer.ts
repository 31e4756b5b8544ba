import type { AttributeCatalogs } from '../api/native/attribute-catalogs.js';
import type { SpanConsumer } from './consumer.js';
import { sampleSpans } from './sample-spans.js';

/** At least this many spans of a batch teach the catalog, however small the batch. */
const MIN_SAMPLE = 32;
/** And one span in this many of a larger batch. */
const SAMPLE_EVERY = 16;

/**
 * The autocomplete catalogs as a consumer: each push teaches the catalog of its tenant. A catalog needs which keys
 * and values arrive, not every span (an evenly spread sample, one in SAMPLE_EVERY), but every root, so that
 * rootServiceName and rootName suggest only (and all) values a root has. They live in memory, so replay simply
 * teaches them again.
 */
export function catalogConsumer(catalogs: AttributeCatalogs): SpanConsumer {
  return {
    name: 'catalog',
    push(spans, _walPosition, tenant) {
      const catalog = catalogs.for(tenant);
      catalog.record(sampleSpans(spans, Math.max(MIN_SAMPLE, Math.ceil(spans.length / SAMPLE_EVERY))));
      catalog.recordRoots(spans);
    },
  };
}
