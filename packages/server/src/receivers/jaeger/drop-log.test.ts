import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DropLog } from './drop-log.js';

describe('DropLog', () => {
  it('warns once per reason per interval and says how many it kept quiet about', () => {
    const lines: any[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    let now = 0;
    const drops = new DropLog(log, 'agent', 10_000, () => now);
    // time:      0         1       2           3                 10,001
    // malformed  warn      quiet   quiet                         warn (2 kept quiet)
    // method                               warn
    drops.drop('malformed', 'bad 1', 'a');
    now = 1;
    drops.drop('malformed', 'bad 2', 'a');
    now = 2;
    drops.drop('malformed', 'bad 3', 'a');
    now = 3;
    drops.drop('unsupported_method', 'zipkin', 'b');
    now = 10_001;
    drops.drop('malformed', 'bad 4', 'c');
    expect(lines.map((l) => [l.msg, l.reason, l.from, l.droppedSinceLastWarning])).toEqual([
      ['agent: dropped a datagram: bad 1', 'malformed', 'a', 0],
      ['agent: dropped a datagram: zipkin', 'unsupported_method', 'b', 0],
      ['agent: dropped a datagram: bad 4', 'malformed', 'c', 2],
    ]);
  });
});
