// Summarises a .cpuprofile: the functions with the most self time, and the most inclusive time
// (time in the function or anything it called, counted once per sample even through recursion).
// Run: node bench/profile-summary.mjs FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';

const [file, top = '30'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) =>
  `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const total = new Map();
const dt = profile.timeDeltas;
let all = 0;
profile.samples.forEach((id, i) => {
  const ms = (dt[i + 1] ?? dt[i] ?? 0) / 1000;
  all += ms;
  const n = byId.get(id);
  self.set(name(n), (self.get(name(n)) ?? 0) + ms);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const k = name(byId.get(at));
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + ms);
  }
});
const show = (title, m) => {
  console.log(`\n${title} (of ${all.toFixed(0)} ms sampled)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    console.log(`${v.toFixed(1).padStart(9)} ms  ${k}`);
};
show('self', self);
show('inclusive', total);
