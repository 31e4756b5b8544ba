import { SpanKind, StatusCode } from '@clew/model';
import { describe, expect, it } from 'vitest';
import { PrometheusSeries } from './prometheus-series.js';

describe('PrometheusSeries', () => {
  it("writes Tempo's span-metrics and service-graph series with cumulative buckets", () => {
    const p = new PrometheusSeries();
    p.observeSpan('cart', 'GET "/cart"', SpanKind.SERVER, StatusCode.ERROR, 1, 3e6);
    p.observeSpan('cart', 'GET "/cart"', SpanKind.SERVER, StatusCode.ERROR, 1, 50e9);
    p.observeEdge({ client: 'web', server: 'cart', connectionType: '', failed: true, clientDurationNanos: 150e6, serverDurationNanos: 120e6, traceId: 't', virtualNode: null, epochMs: 0, position: 1 }, 1);
    const text = p.render();
    const labels = 'service="cart",span_kind="SPAN_KIND_SERVER",span_name="GET \\"/cart\\"",status_code="STATUS_CODE_ERROR"';
    expect(text).toContain(`traces_spanmetrics_calls_total{${labels}} 2`);
    expect(text).toContain(`traces_spanmetrics_latency_bucket{${labels},le="0.002"} 0`);
    expect(text).toContain(`traces_spanmetrics_latency_bucket{${labels},le="0.004"} 1`);
    expect(text).toContain(`traces_spanmetrics_latency_bucket{${labels},le="16.384"} 1`);
    expect(text).toContain(`traces_spanmetrics_latency_bucket{${labels},le="+Inf"} 2`);
    expect(text).toContain(`traces_spanmetrics_latency_sum{${labels}} 50.003`);
    const edge = 'client="web",connection_type="",server="cart"';
    expect(text).toContain(`traces_service_graph_request_total{${edge}} 1`);
    expect(text).toContain(`traces_service_graph_request_failed_total{${edge}} 1`);
    expect(text).toContain(`traces_service_graph_request_server_seconds_bucket{${edge},le="0.2"} 1`);
    expect(text).toContain(`traces_service_graph_request_client_seconds_bucket{${edge},le="0.1"} 0`);
    expect(text).toContain('# TYPE traces_spanmetrics_latency histogram');
  });
});
