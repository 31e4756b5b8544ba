import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfig } from '../config/load.js';

const slo = (id: string) => ({ id, name: id, service: 's', objective: { kind: 'availability' }, target: 0.99 });

describe('slos and alerting configuration', () => {
  it('defaults to no SLOs, no webhooks, Alertmanager-like timings', () => {
    const c = resolveConfig({});
    expect(c.slos).toEqual([]);
    expect(c.alerting).toEqual({
      webhooks: [],
      evaluateEvery: '30s',
      repeatInterval: '4h',
      retry: { maxAttempts: 6, initialBackoff: '1s', maxBackoff: '1m' },
      timeout: '10s',
    });
  });

  it('takes the example of docs/configuration.md as it is', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url)), 'utf8');
    const section = doc.slice(doc.indexOf('## SLOs'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const c = resolveConfig(parse(yaml) as Record<string, unknown>);
    expect(c.slos.map((s) => [s.id, s.objective.kind, s.target, s.window, s.spanKind])).toEqual([
      ['checkout-latency', 'latency', 0.99, '28d', 'server'],
      ['checkout-availability', 'availability', 0.999, '28d', 'server'],
    ]);
    expect(c.alerting.webhooks).toEqual([{ url: 'http://alertmanager-bridge.internal:9000/hook', headers: { Authorization: 'Bearer s3cr3t' }, receiver: 'team-checkout' }]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ alerting: { evaluateEvery: '500ms' } }, 'invalid configuration at "alerting.evaluateEvery": expected at least 1s'],
    [{ alerting: { repeatInterval: 'daily' } }, 'invalid configuration at "alerting.repeatInterval": expected a duration such as 7d, 12h, 30m, 10s or 500ms'],
    [{ alerting: { webhooks: [{ url: 'not a url' }] } }, 'invalid configuration at "alerting.webhooks.0.url": Invalid URL'],
    [{ slos: [{ id: 'a', name: 'A', service: 's', objective: { kind: 'latency' }, target: 0.99 }] }, 'invalid configuration at "slos.0.objective.thresholdMs": Invalid input: expected number, received undefined'],
    [{ slos: [{ id: 'a', name: 'A', service: 's', objective: { kind: 'availability' }, target: 1 }] }, 'invalid configuration at "slos.0.target": Too big: expected number to be <1'],
    [{ slos: [slo('a'), slo('b'), slo('a')] }, 'invalid configuration at "slos.2.id": another SLO has the id "a"; give each its own id'],
    [{ slos: [{ ...slo('a'), tenant: 'acme' }, { ...slo('a'), tenant: 'acme' }] }, 'invalid configuration at "slos.1.id": another SLO has the id "a"; give each its own id'],
    [{ slos: [{ ...slo('a'), tenant: 'no/slash' }] }, 'invalid configuration at "slos.0.tenant": expected a tenant name'],
  ])('%j → %s', (input, message) => {
    expect(() => resolveConfig(input)).toThrow(message);
  });

  it("takes an SLO's tenant, so that two tenants may use one id", () => {
    const c = resolveConfig({ slos: [slo('a'), { ...slo('a'), tenant: 'acme' }] });
    expect(c.slos.map((s) => [s.id, s.tenant])).toEqual([
      ['a', undefined],
      ['a', 'acme'],
    ]);
  });
});
