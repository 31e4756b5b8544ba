import { describe, expect, it } from 'vitest';
import { Progress, progressLine } from './progress.js';

describe('progressLine', () => {
  it('a plain line: percent by bytes, spans, spans/s, time left', () => {
    expect(progressLine('import a.jsonl', { spans: 250_000, bytesDone: 25, bytesTotal: 100 }, 2.5)).toBe(
      'import a.jsonl   25%  250,000 spans  100,000 spans/s  ETA 8s',
    );
  });

  it('a bar filling the terminal’s width', () => {
    const line = progressLine('import a.jsonl', { spans: 10, bytesDone: 50, bytesTotal: 100 }, 1, 80);
    expect(line).toMatch(/^import a\.jsonl \[#+-+\] {2}50% {2}10 spans {2}10 spans\/s {2}ETA 1s$/);
    expect(line).toHaveLength(79);
    const [filled, empty] = [line.split('#').length - 1, line.split('-').length - 1];
    expect(filled).toBe(Math.floor((filled + empty) / 2));
  });

  it('a bar full only when done, as the percent', () => {
    const bar = (done: number) => /\[([#-]+)\]/.exec(progressLine('export', { spans: done, bytesDone: 0, bytesTotal: 0, spansTotal: 100 }, 1, 40))![1]!;
    expect(bar(97)).toMatch(/-$/);
    expect(bar(100)).not.toContain('-');
  });

  it('an export: percent by spans when their number is known, else spans and spans/s only', () => {
    expect(progressLine('export', { spans: 300_000, bytesDone: 0, bytesTotal: 0, spansTotal: 1_200_000 }, 3)).toBe(
      'export   25%  300,000 spans  100,000 spans/s  ETA 9s',
    );
    expect(progressLine('export', { spans: 30, bytesDone: 0, bytesTotal: 0, spansTotal: 20 }, 3)).toBe('export  100%  30 spans  10 spans/s  ETA 0s');
    expect(progressLine('export', { spans: 5, bytesDone: 0, bytesTotal: 0, spansTotal: undefined }, 1, 60)).toBe('export  5 spans  5 spans/s');
  });

  it('without a size: spans and spans/s only; long waits in minutes and hours', () => {
    expect(progressLine('export', { spans: 5, bytesDone: 0, bytesTotal: 0 }, 0)).toBe('export  5 spans  0 spans/s');
    expect(progressLine('i', { spans: 1, bytesDone: 1, bytesTotal: 1000 }, 1)).toContain('ETA 16m39s');
    expect(progressLine('i', { spans: 1, bytesDone: 1, bytesTotal: 100_000 }, 1)).toContain('ETA 27h46m');
  });
});

describe('Progress', () => {
  it('draws a bar on a terminal, 80 columns wide when the terminal reports no width', () => {
    for (const columns of [undefined, 0, 60]) {
      const drawn: string[] = [];
      const tty = { isTTY: true, columns, write: (text: string) => (drawn.push(text), true) } as unknown as NodeJS.WriteStream;
      new Progress('import a.pb', tty, 0).done({ spans: 10, bytesDone: 5, bytesTotal: 10 });
      const line = drawn[0]!.replace(/^\r/, '').replace(/\x1b\[K$/, ''); // eslint-disable-line no-control-regex -- the redraw's escapes
      expect(line, String(columns)).toMatch(/^import a\.pb \[#+-+\] {2}50%/);
      expect(line.length, String(columns)).toBe((columns || 80) - 1);
    }
  });
});
