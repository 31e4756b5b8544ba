// The smallest useful service: node:http answering a little JSON. bench/sdk-overhead.js runs it with and without
// `--import @clew/node/register`.
import http from 'node:http';

const body = JSON.stringify({ ok: true, items: [1, 2, 3] });
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ ready: server.address().port })));
