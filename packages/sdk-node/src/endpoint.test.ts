import { describe, expect, it } from 'vitest';
import { tracesUrl } from './endpoint.js';

describe('tracesUrl', () => {
  it.each([
    ['nothing set', undefined, {}, 'http://127.0.0.1:4318/v1/traces'],
    ['the endpoint option', 'http://clew:4318', {}, 'http://clew:4318/v1/traces'],
    ['the endpoint option with a trailing slash', 'http://clew:4318/', {}, 'http://clew:4318/v1/traces'],
    ['the endpoint option with a path', 'https://gw.example/otlp', {}, 'https://gw.example/otlp/v1/traces'],
    ['the option over both variables', 'http://a:1', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:2', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:3/x' }, 'http://a:1/v1/traces'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:2' }, 'http://b:2/v1/traces'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, used as given', undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:2', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:3/custom' }, 'http://c:3/custom'],
    ['blank variables', undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }, 'http://127.0.0.1:4318/v1/traces'],
  ])('%s', (_case, endpoint, env, expected) => {
    expect(tracesUrl(endpoint, env)).toBe(expected);
  });
});
