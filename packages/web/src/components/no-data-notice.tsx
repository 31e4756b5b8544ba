import { Notice } from './notice.js';

/** Shown while Clew has no spans at all: how to send some. */
export function NoDataNotice() {
  return (
    <Notice title="No traces yet">
      <p>Clew has not received any spans. Point any OpenTelemetry SDK at it, for example:</p>
      <pre>
        OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_SERVICE_NAME=checkout \{'\n'}
        {'  '}node --require @opentelemetry/auto-instrumentations-node/register app.js
      </pre>
      <p>
        OTLP/HTTP goes to <code>http://127.0.0.1:4318/v1/traces</code>, OTLP/gRPC to <code>127.0.0.1:4317</code>.. This
        page updates when the first spans arrive.
      </p>
    </Notice>
  );
}
