// Realistic, deterministic spans in the shape of @clew/model's Span, for benchmarks.
//
// A handful of services share one Resource object each (as a decoder hands them out); traces have 1–60 spans with
// CLIENT/SERVER pairs across services, database calls, ~10 attributes per span, high-cardinality user and customer
// ids, log-normal durations, occasional events and ~3% errors. About 450 bytes per span as OTLP protobuf.
//
// @example
//   for (const trace of generateTraces({ seed: 7, traces: 1000 })) store.append(trace)
//   const spans = generateSpans(100_000, { seed: 1 })

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
const STATUS = { UNSET: 0, OK: 1, ERROR: 2 };

const SERVICE_NAMES = [
  'frontend',
  'checkout',
  'cart',
  'payment',
  'inventory',
  'users',
  'shipping',
  'recommendation',
  'email',
  'currency',
  'ads',
  'search',
];

const ROUTES = [
  ['GET', '/api/cart'],
  ['POST', '/api/cart/items'],
  ['GET', '/api/products/:id'],
  ['GET', '/api/products'],
  ['POST', '/api/checkout'],
  ['GET', '/api/users/:id'],
  ['PUT', '/api/users/:id'],
  ['GET', '/api/orders/:id'],
  ['GET', '/api/recommendations'],
  ['POST', '/api/payments'],
  ['GET', '/api/shipping/quote'],
  ['DELETE', '/api/cart/items/:id'],
];

const DB = [
  ['postgresql', 'SELECT id, name, price FROM products WHERE id = $1', 'SELECT', 'products'],
  ['postgresql', 'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20', 'SELECT', 'orders'],
  ['postgresql', 'UPDATE inventory SET quantity = quantity - $1 WHERE sku = $2', 'UPDATE', 'inventory'],
  ['postgresql', 'INSERT INTO payments (order_id, amount, currency) VALUES ($1, $2, $3)', 'INSERT', 'payments'],
  ['redis', 'GET cart:{id}', 'GET', 'cart'],
  ['redis', 'HGETALL session:{id}', 'HGETALL', 'session'],
  ['mongodb', 'db.users.findOne({_id: ?})', 'findOne', 'users'],
];

const INTERNAL_OPS = ['validate', 'render', 'serialize', 'compute-price', 'apply-discounts', 'authorize', 'cache.lookup'];

const ERRORS = [
  ['TimeoutError', 'upstream request timed out after 2000ms'],
  ['ConnectionRefused', 'connect ECONNREFUSED 10.0.3.17:5432'],
  ['ValidationError', 'invalid quantity: must be positive'],
  ['PaymentDeclined', 'card declined: insufficient funds'],
];

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'okhttp/4.12.0',
];

/** mulberry32: tiny, fast and good enough to make benchmark data reproducible from a seed. */
function prng(seed) {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRandom(seed) {
  const next = prng(seed);
  const int = (n) => Math.floor(next() * n);
  const pick = (arr) => arr[int(arr.length)];
  const hex8 = () => (Math.floor(next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
  // Box–Muller; durations are log-normal, as service latencies are.
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const logNormalMs = (medianMs, sigma) => medianMs * Math.exp(sigma * normal());
  return { next, int, pick, hex8, normal, logNormalMs };
}

const str = (value) => ({ type: 'string', value });
const int = (value) => ({ type: 'int', value: BigInt(value) });
const kv = (key, value) => ({ key, value });

function makeResources(names, rnd) {
  return names.map((name, i) => ({
    name,
    resource: {
      attributes: [
        kv('service.name', str(name)),
        kv('service.version', str(`1.${i}.${rnd.int(20)}`)),
        kv('service.namespace', str('shop')),
        kv('deployment.environment', str('production')),
        kv('host.name', str(`${name}-${rnd.hex8().slice(0, 5)}-node${rnd.int(9)}`)),
        kv('process.pid', int(1000 + rnd.int(60000))),
        kv('telemetry.sdk.name', str('opentelemetry')),
        kv('telemetry.sdk.language', str(i % 3 === 0 ? 'go' : 'nodejs')),
        kv('telemetry.sdk.version', str('1.26.0')),
      ],
      droppedAttributesCount: 0,
      entityRefs: [],
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    },
    scopes: {
      http: scope('@opentelemetry/instrumentation-http', '0.52.1'),
      db: scope('@opentelemetry/instrumentation-pg', '0.43.0'),
      app: scope(name, '1.0.0'),
    },
  }));
}

function scope(name, version) {
  return { name, version, attributes: [], droppedAttributesCount: 0, schemaUrl: '' };
}

function resolveServices(services) {
  if (Array.isArray(services)) return services;
  const n = Math.max(1, Math.min(SERVICE_NAMES.length, services ?? 8));
  return SERVICE_NAMES.slice(0, n);
}

/**
 * Yields whole traces (arrays of spans, parents before children).
 * opts: seed (default 1), startNs (bigint, first trace start), services (count or names, default 8),
 * traceIntervalNs (bigint, mean gap between trace starts, default 1 ms), traces (how many; endless when omitted).
 */
export function* generateTraces(opts = {}) {
  const rnd = makeRandom(opts.seed ?? 1);
  const services = makeResources(resolveServices(opts.services), rnd);
  const startNs = opts.startNs ?? 1_764_000_000_000_000_000n;
  const interval = Number(opts.traceIntervalNs ?? 1_000_000n);
  const traces = opts.traces ?? Infinity;
  let t = startNs;
  for (let i = 0; i < traces; i++) {
    t += BigInt(Math.floor(interval * 2 * rnd.next()));
    yield makeOneTrace(rnd, services, t);
  }
}

/** Exactly `count` spans, cut from consecutive traces (the last trace may be cut short). */
export function generateSpans(count, opts = {}) {
  const out = [];
  for (const trace of generateTraces(opts)) {
    for (const span of trace) {
      if (out.length === count) return out;
      out.push(span);
    }
    if (out.length === count) return out;
  }
  return out;
}

function makeOneTrace(rnd, services, t0) {
  const traceId = rnd.hex8() + rnd.hex8() + rnd.hex8() + rnd.hex8();
  // Sizes skew small (most requests touch a few services) with a long tail up to 60 spans.
  const budget = Math.min(60, Math.max(1, Math.round(Math.exp(1.9 + 0.8 * rnd.normal()))));
  const ctx = {
    rnd,
    services,
    traceId,
    spans: [],
    budget,
    userId: `user-${rnd.int(500_000)}`,
    customerId: `cust-${rnd.int(100_000)}`,
  };
  const [method, route] = rnd.pick(ROUTES);
  const rootMs = rnd.logNormalMs(40, 0.9);
  serverSpan(ctx, services[0], null, t0, rootMs, method, route, 0);
  return ctx.spans;
}

function spanId(rnd) {
  return rnd.hex8() + rnd.hex8();
}

function baseSpan(ctx, svc, parent, kind, name, startNs, ms, scopeName, attributes) {
  const span = {
    traceId: ctx.traceId,
    spanId: spanId(ctx.rnd),
    parentSpanId: parent,
    traceState: '',
    flags: 1,
    name,
    kind,
    startTimeUnixNano: startNs,
    endTimeUnixNano: startNs + BigInt(Math.max(1000, Math.round(ms * 1e6))),
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: STATUS.UNSET, message: '' },
    resource: svc.resource,
    scope: svc.scopes[scopeName],
  };
  ctx.spans.push(span);
  ctx.budget--;
  return span;
}

function serverSpan(ctx, svc, parent, startNs, ms, method, route, depth) {
  const { rnd } = ctx;
  const failed = rnd.next() < 0.04;
  const status = failed ? (rnd.next() < 0.5 ? 500 : 503) : rnd.next() < 0.05 ? 404 : 200;
  const attrs = [
    kv('http.method', str(method)),
    kv('http.route', str(route)),
    kv('http.target', str(route.replace(':id', String(rnd.int(100_000))))),
    kv('http.scheme', str('http')),
    kv('http.url', str(`http://${svc.name}.shop.svc.cluster.local:8080${route}`)),
    kv('http.status_code', int(status)),
    kv('net.host.name', str(svc.name)),
    kv('net.host.port', int(8080)),
    kv('http.user_agent', str(rnd.pick(USER_AGENTS))),
    kv('user.id', str(ctx.userId)),
    kv('customer.id', str(ctx.customerId)),
    kv('http.request_content_length', int(rnd.int(4000))),
    kv('net.sock.peer.addr', str(`10.0.${rnd.int(8)}.${rnd.int(250)}`)),
  ];
  const span = baseSpan(ctx, svc, parent, KIND.SERVER, `${method} ${route}`, startNs, ms, 'http', attrs);
  if (failed) markError(ctx, span);
  children(ctx, svc, span, depth);
  return span;
}

function children(ctx, svc, parent, depth) {
  const { rnd } = ctx;
  const start = parent.startTimeUnixNano;
  const totalMs = Number(parent.endTimeUnixNano - start) / 1e6;
  const n = depth > 4 ? 0 : Math.min(ctx.budget, depth === 0 ? 2 + rnd.int(7) : 1 + rnd.int(4));
  let cursorMs = totalMs * 0.05;
  for (let i = 0; i < n && ctx.budget > 0; i++) {
    const ms = Math.min(totalMs * 0.9 - cursorMs, rnd.logNormalMs(totalMs / (n + 1), 0.5));
    if (ms <= 0.01) break;
    const at = start + BigInt(Math.round(cursorMs * 1e6));
    const r = rnd.next();
    if (r < 0.55 && ctx.services.length > 1) callService(ctx, svc, parent, at, ms, depth);
    else if (r < 0.85) dbSpan(ctx, svc, parent, at, ms);
    else internalSpan(ctx, svc, parent, at, ms);
    cursorMs += ms * (rnd.next() < 0.3 ? 0.5 : 1);
  }
}

function callService(ctx, svc, parent, startNs, ms, depth) {
  const { rnd } = ctx;
  let callee = rnd.pick(ctx.services);
  if (callee === svc) callee = ctx.services[(ctx.services.indexOf(svc) + 1) % ctx.services.length];
  const [method, route] = rnd.pick(ROUTES);
  const attrs = [
    kv('http.method', str(method)),
    kv('http.url', str(`http://${callee.name}:8080${route.replace(':id', String(rnd.int(100_000)))}`)),
    kv('http.route', str(route)),
    kv('net.peer.name', str(callee.name)),
    kv('peer.service', str(callee.name)),
    kv('net.peer.port', int(8080)),
    kv('http.status_code', int(200)),
    kv('http.flavor', str('1.1')),
    kv('http.response_content_length', int(rnd.int(20000))),
    kv('user.id', str(ctx.userId)),
  ];
  const client = baseSpan(ctx, svc, parent.spanId, KIND.CLIENT, `${method}`, startNs, ms, 'http', attrs);
  if (ctx.budget <= 0) return;
  // Network time on both sides: the server span sits inside its client span.
  const net = Math.min(ms * 0.1, 0.5);
  const server = serverSpan(ctx, callee, client.spanId, startNs + BigInt(Math.round(net * 1e6)), ms - 2 * net, method, route, depth + 1);
  if (server.status.code === STATUS.ERROR) {
    const code = server.attributes.find((a) => a.key === 'http.status_code').value;
    attrs[attrs.findIndex((a) => a.key === 'http.status_code')] = kv('http.status_code', code);
    client.status = { code: STATUS.ERROR, message: 'HTTP 500' };
  }
}

function dbSpan(ctx, svc, parent, startNs, ms) {
  const { rnd } = ctx;
  const [system, statement, op, table] = rnd.pick(DB);
  const attrs = [
    kv('db.system', str(system)),
    kv('db.statement', str(statement)),
    kv('db.operation', str(op)),
    kv('db.sql.table', str(table)),
    kv('db.name', str('shop')),
    kv('db.user', str('app')),
    kv('net.peer.name', str(`${system}-primary`)),
    kv('net.peer.port', int(system === 'redis' ? 6379 : 5432)),
    kv('customer.id', str(ctx.customerId)),
  ];
  const span = baseSpan(ctx, svc, parent.spanId, KIND.CLIENT, `${op} ${table}`, startNs, ms, 'db', attrs);
  if (rnd.next() < 0.02) markError(ctx, span);
}

function internalSpan(ctx, svc, parent, startNs, ms) {
  const { rnd } = ctx;
  const fn = rnd.pick(INTERNAL_OPS);
  const attrs = [
    kv('code.function', str(fn)),
    kv('code.namespace', str(`${svc.name}.handlers`)),
    kv('code.filepath', str(`/app/src/${svc.name}/${fn}.ts`)),
    kv('code.lineno', int(10 + rnd.int(400))),
    kv('thread.id', int(rnd.int(64))),
  ];
  const span = baseSpan(ctx, svc, parent.spanId, KIND.INTERNAL, fn, startNs, ms, 'app', attrs);
  if (rnd.next() < 0.1) {
    span.events.push({
      timeUnixNano: startNs + BigInt(Math.round(ms * 5e5)),
      name: 'cache.miss',
      attributes: [kv('cache.key', str(`product:${rnd.int(50_000)}`))],
      droppedAttributesCount: 0,
    });
  }
}

function markError(ctx, span) {
  const [type, message] = ctx.rnd.pick(ERRORS);
  span.status = { code: STATUS.ERROR, message };
  span.events.push({
    timeUnixNano: span.endTimeUnixNano - 1000n,
    name: 'exception',
    attributes: [
      kv('exception.type', str(type)),
      kv('exception.message', str(message)),
      kv('exception.escaped', { type: 'bool', value: false }),
    ],
    droppedAttributesCount: 0,
  });
}
