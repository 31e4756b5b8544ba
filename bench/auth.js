// What authentication and tenant routing cost per ingest request, on one core: checking a Bearer token against
// the configured hashes (100 tokens), picking the tenant (X-Scope-OrgID), and spending the tenant's ingest rate.
// Printed per request and as a share of a 512-span request's server CPU at the end-to-end rate bench/ingest.js
// measures (CLEW_BENCH_SPANS_PER_CPU_SECOND, 40,000 by default: this machine's plain run). bench/ingest.js's `auth`
// run measures the same end to end, as a ratio to the plain run, but on a shared machine its pairs spread ±15%.
//
//   npx tsc -b && node bench/auth.js
import { createHash } from 'node:crypto';
import { Authenticator, createMetrics, TenantLimits } from '@clew/server';

const N = Number(process.env.CLEW_BENCH_AUTH_CALLS ?? 300_000);
const SPANS_PER_CPU_SECOND = Number(process.env.CLEW_BENCH_SPANS_PER_CPU_SECOND ?? 40_000);
const REQUEST_SPANS = 512;
const hash = (t) => `sha256:${createHash('sha256').update(t).digest('hex')}`;

const tokens = Array.from({ length: 100 }, (_, i) => `clew_bench-token-${String(i).padStart(3, '0')}-abcdefghijklmnopqrstuvwxyz0123`);
const auth = new Authenticator([
  ...tokens.map((t, i) => ({ hash: hash(t), tenant: `team-${i % 10}`, scope: i % 2 === 0 ? 'write' : 'read' })),
  { hash: hash('clew_bench-admin'), tenant: 'ops', scope: 'admin', tenants: '*' },
]);
const limits = new TenantLimits({ defaults: { ingestRate: 1e12, ingestBurst: 1e12 } }, createMetrics());

/** CPU microseconds per call of `fn` over N calls (after a warm-up of N/10). */
function perCall(fn) {
  for (let i = 0; i < N / 10; i++) fn(i);
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn(i);
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / N;
}

const header = tokens.map((t) => `Bearer ${t}`);
const check = perCall((i) => auth.authenticate(header[(i * 2) % 100], undefined, 'write'));
const pick = perCall(() => auth.authenticate('Bearer clew_bench-admin', 'team-3', 'write'));
const admit = perCall((i) => limits.admitSpans(`team-${i % 10}`, REQUEST_SPANS));
const requestCpuUs = (REQUEST_SPANS / SPANS_PER_CPU_SECOND) * 1e6;
const total = check + admit;

const f = (n) => n.toFixed(2);
console.log(`auth: ${N.toLocaleString('en-US')} calls each, CPU µs per call`);
console.log(`  check a write token (Bearer, 100 configured):        ${f(check)} µs`);
console.log(`  an admin token picking a tenant (X-Scope-OrgID):      ${f(pick)} µs`);
console.log(`  spend a tenant's ingest rate (512 spans, a bucket):   ${f(admit)} µs`);
console.log(
  `  per 512-span request: ${f(total)} µs of ~${Math.round(requestCpuUs).toLocaleString('en-US')} µs server CPU ` +
    `(${SPANS_PER_CPU_SECOND.toLocaleString('en-US')} spans/CPU-s): ${((100 * total) / requestCpuUs).toFixed(3)}%   target ≤ 3%`,
);
