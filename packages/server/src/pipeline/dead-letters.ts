import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeOtlpJson } from '@clew/codecs';
import type { Span, Tenant } from '@clew/model';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';

/**
 * Where spans go that the store refuses as bad, rather than blocking ingest for ever: one OTLP JSON file per refusal
 * under `dir` (`<log position>-<n>.json`, with the store's reason and the spans' tenant in `clew.deadLetter`), counted in
 * clew_dead_letter_spans_total. `clew import` or any OTLP client can send a file again once the cause is fixed.
 */
export class DeadLetters {
  private n = 0;

  constructor(
    private readonly dir: string,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  async write(spans: readonly Span[], walPosition: bigint, reason: string, tenant: Tenant): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${walPosition}-${++this.n}.json`);
    const body = { ...encodeOtlpJson(spans), clew: { deadLetter: { reason, walPosition: walPosition.toString(), tenant } } };
    await writeFile(file, JSON.stringify(body), { flush: true });
    this.metrics.deadLetterSpans.inc(spans.length);
    this.log.error({ file, spans: spans.length, reason, tenant }, 'the store refused spans as bad; written to the dead-letter directory');
    return file;
  }
}
