import type { Span } from '@clew/model';
import type { Metrics } from '../../observability/metrics.js';
import type { Processor } from './processor.js';

/** Spans a processor left out of a batch, and why. */
export interface ProcessorDrop {
  readonly processor: string;
  readonly reason: string;
  readonly spans: number;
}

export interface ChainOutput {
  readonly spans: readonly Span[];
  /** Whether any processor changed or dropped a span: then the received bytes no longer say what is kept. */
  readonly changed: boolean;
  readonly dropped: readonly ProcessorDrop[];
}

/** Runs the configured processors in order over each batch, counting per processor what went in, changed and went. */
export class ProcessorChain {
  constructor(
    private readonly processors: readonly Processor[],
    private readonly metrics: Metrics,
  ) {}

  get size(): number {
    return this.processors.length;
  }

  run(spans: readonly Span[]): ChainOutput {
    let batch = spans;
    const dropped: ProcessorDrop[] = [];
    for (const p of this.processors) {
      if (batch.length === 0) break;
      this.metrics.processorSpans.inc({ processor: p.name, outcome: 'in', reason: '' }, batch.length);
      const out = p.process(batch);
      if (out.modified > 0) this.metrics.processorSpans.inc({ processor: p.name, outcome: 'modified', reason: '' }, out.modified);
      if (out.dropped > 0) {
        const reason = out.dropReason ?? 'dropped';
        this.metrics.processorSpans.inc({ processor: p.name, outcome: 'dropped', reason }, out.dropped);
        dropped.push({ processor: p.name, reason, spans: out.dropped });
      }
      batch = out.spans;
    }
    return { spans: batch, changed: batch !== spans, dropped };
  }
}
