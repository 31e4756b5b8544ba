// Summarises a V8 .cpuprofile (node --cpu-prof) by self time: the functions, and the files, where the time went.
//
//   node bench/lib/cpu-profile.js /tmp/prof/CPU.….cpuprofile [rows]
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/lib/cpu-profile.js <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 40);
const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i] ?? 0;
  self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  total += dt;
}
const where = (n) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const path = url.replace(/^file:\/\//, '').replace(/^.*\/(packages|node_modules)\//, '$1/');
  return { fn: `${functionName || '(anonymous)'} ${path}:${lineNumber + 1}`, file: path || '(native)' };
};
const fns = new Map();
const files = new Map();
for (const [id, us] of self) {
  const { fn, file: f } = where(byId.get(id));
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  files.set(f, (files.get(f) ?? 0) + us);
}
const print = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  }
};
console.log(`${(total / 1e6).toFixed(2)} s sampled`);
print('self time by function', fns);
print('self time by file', files);
