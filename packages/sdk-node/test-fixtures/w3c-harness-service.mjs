// The test service the W3C Trace Context test suite (github.com/w3c/trace-context, test/) drives: each POST carries a
// JSON list of {url, arguments}, and the service POSTs `arguments` to each `url` in turn, so the harness sees which
// traceparent and tracestate a service sends on. Run it under @clew/node (README: "Beyond OpenTelemetry JS"):
//   OTEL_TRACES_EXPORTER=none PORT=5000 node --import @clew/node/register w3c-harness-service.mjs
import http from 'node:http';

const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (d) => (body += d)).on('end', async () => {
    for (const { url, arguments: args } of JSON.parse(body || '[]')) {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) })
        .then((r) => r.text())
        .catch(() => {});
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(Number(process.env.PORT ?? 5000), '127.0.0.1', () => console.log(JSON.stringify({ ready: server.address().port })));
