import { describe, expect, it } from 'vitest';
import { parseGoFloat, parseMetricsQuery } from './params-metrics.js';

const q = (s: string) => new URLSearchParams(s);

describe('parseGoFloat, as strconv.ParseFloat(s, 64)', () => {
  it.each([
    ['0.95', 0.95],
    ['1', 1],
    ['.5', 0.5],
    ['1.', 1],
    ['+0.5', 0.5],
    ['-2', -2],
    ['1e-3', 0.001],
    ['2.5E2', 250],
    ['1e-400', 0], // underflow is not an error in Go
    ['inf', Infinity],
    ['+Inf', Infinity],
    ['-infinity', -Infinity],
  ])('%s is %d', (s, v) => expect(parseGoFloat(s)).toBe(v));

  it('reads nan (unsigned only, as Go)', () => {
    expect(parseGoFloat('NaN')).toBeNaN();
    expect(() => parseGoFloat('-nan')).toThrow('strconv.ParseFloat: parsing "-nan": invalid syntax');
  });

  it.each(['', ' 0.5', '0.5 ', '.', 'e5', '1e', '1_0', 'one', '0.5.1', 'infinit'])('refuses %j as invalid syntax', (s) => {
    expect(() => parseGoFloat(s)).toThrow(`strconv.ParseFloat: parsing "${s}": invalid syntax`);
  });

  it('says a finite number too large for a float64 is out of range', () => {
    expect(() => parseGoFloat('1e400')).toThrow('strconv.ParseFloat: parsing "1e400": value out of range');
  });

  it('refuses hexadecimal floats, which Go would read (a deliberate gap: no quantile is written so)', () => {
    expect(() => parseGoFloat('0x1p-2')).toThrow('invalid syntax');
  });
});

describe('parseMetricsQuery', () => {
  it("fills Jaeger's defaults (default_params.go)", () => {
    expect(parseMetricsQuery(q('service=cart'), 1_700_000_000_000n)).toEqual({
      services: ['cart'],
      groupByOperation: false,
      spanKinds: ['SPAN_KIND_SERVER'],
      endMs: 1_700_000_000_000n,
      lookbackMs: 3_600_000n,
      stepMs: 5_000n,
      ratePerMs: 600_000n,
    });
  });

  it('reads every parameter, span kinds without regard to case', () => {
    const got = parseMetricsQuery(
      q('service=a&service=b&groupByOperation=T&spanKind=Client&spanKind=unspecified&endTs=5&lookback=6&step=7&ratePer=8'),
      0n,
    );
    expect(got).toEqual({
      services: ['a', 'b'],
      groupByOperation: true,
      spanKinds: ['SPAN_KIND_CLIENT', 'SPAN_KIND_UNSPECIFIED'],
      endMs: 5n,
      lookbackMs: 6n,
      stepMs: 7n,
      ratePerMs: 8n,
    });
  });
});
