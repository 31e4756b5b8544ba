import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Clew's own metrics, in a registry per server so several servers can share a process (as tests do). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clew_process_' });
  const spansReceived = new Counter({
    name: 'clew_spans_received_total',
    help: 'Spans received, by protocol.',
    labelNames: ['protocol'] as const,
    registers: [registry],
  });
  const spansAccepted = new Counter({
    name: 'clew_spans_accepted_total',
    help: 'Spans accepted and made durable, by protocol.',
    labelNames: ['protocol'] as const,
    registers: [registry],
  });
  const spansRefused = new Counter({
    name: 'clew_spans_refused_total',
    help: 'Spans refused, by reason (invalid, malformed, too_large, rate_limited, trace_too_large, pipeline_full, shutting_down, write_failed).',
    labelNames: ['protocol', 'reason'] as const,
    registers: [registry],
  });
  const requestsRefused = new Counter({
    name: 'clew_requests_refused_total',
    help: 'Export requests refused as a whole, by protocol and reason.',
    labelNames: ['protocol', 'reason'] as const,
    registers: [registry],
  });
  const tenantSpansRefused = new Counter({
    name: 'clew_tenant_spans_refused_total',
    help: "Spans refused because a tenant's limit was spent, by tenant and limit (ingest_rate, max_spans_per_trace).",
    labelNames: ['tenant', 'limit'] as const,
    registers: [registry],
  });
  const tenantRequestsRefused = new Counter({
    name: 'clew_tenant_requests_refused_total',
    help: "Requests refused whole by a tenant's limit before their spans were read, by tenant and limit (max_request_bytes).",
    labelNames: ['tenant', 'limit'] as const,
    registers: [registry],
  });
  const tenantSpansAccepted = new Counter({
    name: 'clew_tenant_spans_accepted_total',
    help: 'Spans accepted, by tenant.',
    labelNames: ['tenant'] as const,
    registers: [registry],
  });
  const queueSpans = new Gauge({
    name: 'clew_queue_spans',
    help: 'Spans accepted (durable in the write-ahead log) and waiting to be written to the store.',
    registers: [registry],
  });
  const storeWriteSeconds = new Histogram({
    name: 'clew_store_write_seconds',
    help: 'Time to write one batch of spans to the store.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const storeWrittenSpans = new Counter({
    name: 'clew_store_spans_written_total',
    help: 'Spans written to the store.',
    registers: [registry],
  });
  const walSyncSeconds = new Histogram({
    name: 'clew_wal_append_seconds',
    help: 'Time from handing a request to the write-ahead log to it being durable (includes waiting for a sync).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const storeDiskBytes = new Gauge({
    name: 'clew_store_disk_bytes',
    help: 'Bytes the store occupies on disk.',
    registers: [registry],
  });
  const walDiskBytes = new Gauge({
    name: 'clew_wal_disk_bytes',
    help: 'Bytes the write-ahead log occupies on disk.',
    registers: [registry],
  });
  const storePartitions = new Gauge({
    name: 'clew_store_partitions',
    help: 'Time partitions the store holds.',
    registers: [registry],
  });
  const processorSpans = new Counter({
    name: 'clew_processor_spans_total',
    help: 'Spans through each processor before the write-ahead log, by outcome: in, modified, dropped (with the reason).',
    labelNames: ['processor', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const walRecords = new Counter({
    name: 'clew_wal_records_total',
    help: 'Requests logged, by payload: received (the bytes as they came, no processor changed a span) or reencoded (the processed spans as OTLP protobuf).',
    labelNames: ['payload'] as const,
    registers: [registry],
  });
  const walReencodeSeconds = new Histogram({
    name: 'clew_wal_reencode_seconds',
    help: 'Time to encode a processed batch as OTLP protobuf for the write-ahead log.',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const consumerSeconds = new Histogram({
    name: 'clew_consumer_seconds',
    help: 'Time each consumer takes with one written batch.',
    labelNames: ['consumer'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const deadLetterSpans = new Counter({
    name: 'clew_dead_letter_spans_total',
    help: 'Spans the store refused as bad (not worth retrying), written to the dead-letter directory instead.',
    registers: [registry],
  });
  const tailForwardedSpans = new Counter({
    name: 'clew_tail_forwarded_spans_total',
    help:
      "Spans of traces another collector owns (tail sampling across collectors), by peer and outcome: forwarded (the owner took them), " +
      'rerouted (the owner was down: the next live member took them, peer="self" when that is this collector), failed (the peer did not take them within retryFor, or refused them for good; they are routed again).',
    labelNames: ['peer', 'outcome'] as const,
    registers: [registry],
  });
  const tailPeerUp = new Gauge({
    name: 'clew_tail_peer_up',
    help: 'Whether a tail sampling peer takes forwarded spans (1) or is marked down and routed around (0).',
    labelNames: ['peer'] as const,
    registers: [registry],
  });
  return {
    registry,
    tailForwardedSpans,
    tailPeerUp,
    processorSpans,
    walRecords,
    walReencodeSeconds,
    consumerSeconds,
    deadLetterSpans,
    spansReceived,
    spansAccepted,
    spansRefused,
    requestsRefused,
    tenantSpansRefused,
    tenantSpansAccepted,
    tenantRequestsRefused,
    queueSpans,
    storeWriteSeconds,
    storeWrittenSpans,
    walSyncSeconds,
    storeDiskBytes,
    walDiskBytes,
    storePartitions,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The metric label for a refusal, from an error code. */
export function refusalReason(code: string): string {
  switch (code) {
    case 'MALFORMED_REQUEST':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'malformed';
    case 'PAYLOAD_TOO_LARGE':
      return 'too_large';
    case 'UNAUTHENTICATED':
      return 'unauthenticated';
    case 'FORBIDDEN':
      return 'forbidden';
    case 'RATE_LIMITED':
      return 'rate_limited';
    case 'PIPELINE_FULL':
      return 'pipeline_full';
    case 'SHUTTING_DOWN':
      return 'shutting_down';
    case 'WRITE_FAILED':
      return 'write_failed';
    default:
      return 'internal';
  }
}
