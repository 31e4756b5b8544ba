import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MetricFamily } from './metric-family.js';
import { metricFamilyJson, protoTimestamp } from './metric-family-json.js';

// The sample answer of Jaeger's monitoring guide (docker-compose/monitor/README.md, "Responses"), its elisions removed.
const golden: unknown = JSON.parse(readFileSync(new URL('./fixtures/metrics-call-rate-golden.json', import.meta.url), 'utf8'));

const driver: MetricFamily = {
  name: 'service_call_rate',
  type: 'GAUGE',
  help: 'calls/sec, grouped by service',
  metrics: [
    {
      labels: [{ name: 'service_name', value: 'driver' }],
      metricPoints: [
        { t: Date.parse('2021-06-03T09:12:06Z'), value: 0.005846808321083344 },
        { t: Date.parse('2021-06-03T09:12:11Z'), value: 0.006960443672323934 },
      ],
    },
  ],
};

describe('metricFamilyJson (gogo jsonpb)', () => {
  it("matches the sample answer of Jaeger's monitoring guide", () => {
    expect(JSON.parse(metricFamilyJson(driver))).toEqual(golden);
  });

  it('is compact, fields in proto order', () => {
    expect(metricFamilyJson(driver)).toBe(
      '{"name":"service_call_rate","type":"GAUGE","help":"calls/sec, grouped by service","metrics":[{"labels":[{"name":"service_name","value":"driver"}],' +
        '"metricPoints":[{"gaugeValue":{"doubleValue":0.005846808321083344},"timestamp":"2021-06-03T09:12:06Z"},' +
        '{"gaugeValue":{"doubleValue":0.006960443672323934},"timestamp":"2021-06-03T09:12:11Z"}]}]}',
    );
  });

  it('writes an empty family with metrics: [] (the readers never return a nil slice)', () => {
    expect(metricFamilyJson({ ...driver, metrics: [] })).toBe('{"name":"service_call_rate","type":"GAUGE","help":"calls/sec, grouped by service","metrics":[]}');
  });

  it('writes 0 (a oneof), NaN and infinities as jsonpb does, leaves out an empty label value, escapes HTML as Go', () => {
    const f: MetricFamily = {
      ...driver,
      metrics: [
        {
          labels: [
            { name: 'service_name', value: 'a<b>&c' },
            { name: 'operation', value: '' },
          ],
          metricPoints: [
            { t: 0, value: 0 },
            { t: 1500, value: NaN },
            { t: 2000, value: Infinity },
            { t: 3000, value: -Infinity },
            { t: 4000, value: 1e-7 },
          ],
        },
      ],
    };
    const text = metricFamilyJson(f);
    expect(text).toContain('"labels":[{"name":"service_name","value":"a\\u003cb\\u003e\\u0026c"},{"name":"operation"}]');
    expect(text).toContain(
      '"metricPoints":[{"gaugeValue":{"doubleValue":0},"timestamp":"1970-01-01T00:00:00Z"},{"gaugeValue":{"doubleValue":"NaN"},"timestamp":"1970-01-01T00:00:01.500Z"},' +
        '{"gaugeValue":{"doubleValue":"Infinity"},"timestamp":"1970-01-01T00:00:02Z"},{"gaugeValue":{"doubleValue":"-Infinity"},"timestamp":"1970-01-01T00:00:03Z"},' +
        '{"gaugeValue":{"doubleValue":1e-7},"timestamp":"1970-01-01T00:00:04Z"}]',
    );
  });

  it("prettyPrint: jsonpb's own layout (array items two indents in, nested objects one deeper)", () => {
    const one: MetricFamily = { ...driver, metrics: [{ ...driver.metrics[0]!, metricPoints: driver.metrics[0]!.metricPoints.slice(0, 1) }] };
    const I = '    ';
    expect(metricFamilyJson(one, I)).toBe(
      [
        '{',
        `${I}"name": "service_call_rate",`,
        `${I}"type": "GAUGE",`,
        `${I}"help": "calls/sec, grouped by service",`,
        `${I}"metrics": [`,
        `${I}${I}{`,
        `${I}${I}${I}"labels": [`,
        `${I}${I}${I}${I}{`,
        `${I}${I}${I}${I}${I}"name": "service_name",`,
        `${I}${I}${I}${I}${I}"value": "driver"`,
        `${I}${I}${I}${I}}`,
        `${I}${I}${I}],`,
        `${I}${I}${I}"metricPoints": [`,
        `${I}${I}${I}${I}{`,
        `${I}${I}${I}${I}${I}"gaugeValue": {`,
        `${I}${I}${I}${I}${I}${I}"doubleValue": 0.005846808321083344`,
        `${I}${I}${I}${I}${I}},`,
        `${I}${I}${I}${I}${I}"timestamp": "2021-06-03T09:12:06Z"`,
        `${I}${I}${I}${I}}`,
        `${I}${I}${I}]`,
        `${I}${I}}`,
        `${I}]`,
        '}',
      ].join('\n'),
    );
  });

  it('timestamps carry 0 or 3 fractional digits (milliseconds)', () => {
    expect([protoTimestamp(1622711526000), protoTimestamp(1622711526250)]).toEqual(['2021-06-03T09:12:06Z', '2021-06-03T09:12:06.250Z']);
  });
});
