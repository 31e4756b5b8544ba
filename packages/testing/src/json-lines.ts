import type { Readable } from 'node:stream';

/**
 * Calls `onRecord` with every line of `stream` that is a JSON object, in order, as the lines arrive; other lines
 * (a banner, a stack trace) are skipped. Lines split across chunks, even inside a UTF-8 character, are put back
 * together first. Used to read the JSON logs and `ready` lines child processes print on stdout.
 * @example readJsonLines(child.stdout!, (rec) => logs.push(rec));
 */
export function readJsonLines(stream: Readable, onRecord: (record: Record<string, unknown>) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
      if (rec !== null && typeof rec === 'object' && !Array.isArray(rec)) onRecord(rec as Record<string, unknown>);
    }
  });
}
