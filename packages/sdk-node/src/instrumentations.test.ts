import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rootRouteHook } from './express-root-route.js';
import { clewInstrumentations, instrumentationConfig } from './instrumentations.js';

describe('instrumentationConfig', () => {
  it('turns fs, dns, net and router off, names the Express home route and keeps pino and winston from sending log records', () => {
    expect(instrumentationConfig({}, {})).toEqual({
      '@opentelemetry/instrumentation-fs': { enabled: false },
      '@opentelemetry/instrumentation-dns': { enabled: false },
      '@opentelemetry/instrumentation-net': { enabled: false },
      '@opentelemetry/instrumentation-router': { enabled: false },
      '@opentelemetry/instrumentation-express': { requestHook: rootRouteHook },
      '@opentelemetry/instrumentation-pino': { disableLogSending: true },
      '@opentelemetry/instrumentation-winston': { disableLogSending: true },
    });
  });

  it('lets the user turn one back on, or configure one, over the defaults', () => {
    const config = instrumentationConfig(
      { '@opentelemetry/instrumentation-dns': { enabled: true }, '@opentelemetry/instrumentation-http': { ignoreIncomingRequestHook: () => true } },
      {},
    );
    expect(config['@opentelemetry/instrumentation-dns']).toEqual({ enabled: true });
    expect(config['@opentelemetry/instrumentation-http']).toHaveProperty('ignoreIncomingRequestHook');
    expect(config['@opentelemetry/instrumentation-fs']).toEqual({ enabled: false });
  });

  it('runs a user\'s express requestHook after the one naming the home route, keeping the user\'s other options', () => {
    const seen: string[] = [];
    const config = instrumentationConfig({ '@opentelemetry/instrumentation-express': { ignoreLayersType: [], requestHook: () => void seen.push('user') } }, {});
    const express = config['@opentelemetry/instrumentation-express']!;
    expect(express.ignoreLayersType).toEqual([]);
    expect(express.requestHook).not.toBe(rootRouteHook);
    const span = { setAttribute: () => seen.push('clew') } as never;
    express.requestHook!(span, { request: {}, route: '/ids', layerType: 'router' } as never);
    expect(seen).toEqual(['user']);
  });

  it('leaves an instrumentation named in OTEL_NODE_ENABLED_INSTRUMENTATIONS to that list', () => {
    const config = instrumentationConfig({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, dns' });
    expect(config['@opentelemetry/instrumentation-dns']).toEqual({});
    expect(config['@opentelemetry/instrumentation-net']).toEqual({ enabled: false });
  });
});

describe('clewInstrumentations', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  const names = () => clewInstrumentations().map((i) => i.instrumentationName);

  it('includes the libraries Clew promises and leaves out fs, dns, net and router', () => {
    const enabled = names();
    expect(enabled).toContain('@fastify/otel');
    for (const lib of ['http', 'undici', 'express', 'pg', 'mysql2', 'redis', 'ioredis', 'mongodb', 'amqplib', 'grpc', 'pino', 'winston']) {
      expect(enabled).toContain(`@opentelemetry/instrumentation-${lib}`);
    }
    for (const lib of ['fs', 'dns', 'net', 'router']) expect(enabled).not.toContain(`@opentelemetry/instrumentation-${lib}`);
  });

  it('honours OTEL_NODE_DISABLED_INSTRUMENTATIONS and OTEL_NODE_ENABLED_INSTRUMENTATIONS', () => {
    vi.stubEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS', 'express');
    expect(names()).not.toContain('@opentelemetry/instrumentation-express');
    vi.stubEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS', '');
    vi.stubEnv('OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'http,dns');
    expect(names().sort()).toEqual(['@opentelemetry/instrumentation-dns', '@opentelemetry/instrumentation-http']);
  });

  it('turns @fastify/otel off with its key in the option, or `fastify` in the OTEL_NODE_* lists', () => {
    expect(clewInstrumentations({ '@fastify/otel': { enabled: false } }).map((i) => i.instrumentationName)).not.toContain('@fastify/otel');
    vi.stubEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS', 'express,fastify');
    expect(names()).not.toContain('@fastify/otel');
    expect(names()).not.toContain('@opentelemetry/instrumentation-express');
    expect(names()).toContain('@opentelemetry/instrumentation-http');
    vi.stubEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS', '');
    vi.stubEnv('OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'http,fastify');
    expect(names().sort()).toEqual(['@fastify/otel', '@opentelemetry/instrumentation-http']);
    vi.stubEnv('OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'fastify');
    expect(names()).toEqual(['@fastify/otel']);
  });

  it('keeps `fastify` in the lists and `@fastify/otel` in the option from auto-instrumentations-node, which knows neither', () => {
    const errors = vi.spyOn(diag, 'error');
    vi.stubEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS', 'fastify');
    clewInstrumentations({ '@fastify/otel': { instrumentHooks: false } });
    vi.stubEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS', '');
    vi.stubEnv('OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'http,fastify');
    clewInstrumentations();
    expect(errors).not.toHaveBeenCalled();
    // The lists are as they were once the instrumentations are built.
    expect(process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS).toBe('http,fastify');
  });
});
