// `npm run demo`: the product end to end on the bundled demo app (test/fixtures/demo),
// from a fresh clone: install, build, list routes, check, then load both endpoints at
// concurrency 10 with the server's event loop watched, and compare — the seed articles'
// experiment, in one command.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const demo = path.join(root, 'test', 'fixtures', 'demo');
const cli = path.join(root, 'dist', 'cli.js');

function step(title, cmd, args, { okCodes = [0] } = {}) {
  console.log(`\n\x1b[1m$ ${title}\x1b[0m`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (!okCodes.includes(r.status ?? -1)) {
    console.error(`demo: '${title}' failed (exit ${r.status})`);
    process.exit(1);
  }
}

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json')))
  step('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
step('npm run build', 'npm', ['run', 'build']);
step('endpoint-profiler routes test/fixtures/demo', process.execPath, [cli, 'routes', demo]);
step('endpoint-profiler check test/fixtures/demo', process.execPath, [cli, 'check', demo], { okCodes: [0, 1] });

// Each load starts the demo app itself (its own process group on a free loopback port, stopped
// after the run) and watches its event loop, so the report names the line that blocked it.
const out = mkdtempSync(path.join(tmpdir(), 'endpoint-profiler-demo-'));
const server = ['--server', `"${process.execPath}" app.js`, '--cwd', demo, '--watch-loop'];
const base = 'http://127.0.0.1/api';
for (const [name, file] of [
  ['quote-legacy', 'legacy.json'],
  ['quote', 'async.json'],
])
  step(`endpoint-profiler load ${base}/${name} --server 'node app.js' --watch-loop -c 10 -z 4s`, process.execPath, [
    cli,
    'load',
    `${base}/${name}`,
    ...server,
    '-c',
    '10',
    '-z',
    '4s',
    '--out',
    path.join(out, file),
  ]);
step('endpoint-profiler compare legacy.json async.json', process.execPath, [
  cli,
  'compare',
  path.join(out, 'legacy.json'),
  path.join(out, 'async.json'),
]);
console.log(`\nRun files are in ${out}.`);
