// `npm run demo`: the product end to end on the bundled demo app (test/fixtures/demo),
// from a fresh clone: install, build, list routes, check, then load both endpoints at
// concurrency 10 and compare — the seed articles' experiment, in one command.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
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

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/quote`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the demo server did not listen on 127.0.0.1:${port} within ${ms} ms`);
}

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json')))
  step('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
step('npm run build', 'npm', ['run', 'build']);
step('endpoint-profiler routes test/fixtures/demo', process.execPath, [cli, 'routes', demo]);
step('endpoint-profiler check test/fixtures/demo', process.execPath, [cli, 'check', demo], { okCodes: [0, 1] });

const port = await freePort();
const server = spawn(process.execPath, [path.join(demo, 'app.js')], {
  env: { ...process.env, PORT: String(port) },
  stdio: 'ignore',
});
try {
  await waitForPort(port, 10_000);
  const out = mkdtempSync(path.join(tmpdir(), 'endpoint-profiler-demo-'));
  const base = `http://127.0.0.1:${port}/api`;
  step(`endpoint-profiler load ${base}/quote-legacy -c 10 -z 4s`, process.execPath, [
    cli,
    'load',
    `${base}/quote-legacy`,
    '-c',
    '10',
    '-z',
    '4s',
    '--out',
    path.join(out, 'legacy.json'),
  ]);
  step(`endpoint-profiler load ${base}/quote -c 10 -z 4s`, process.execPath, [
    cli,
    'load',
    `${base}/quote`,
    '-c',
    '10',
    '-z',
    '4s',
    '--out',
    path.join(out, 'async.json'),
  ]);
  step('endpoint-profiler compare legacy.json async.json', process.execPath, [
    cli,
    'compare',
    path.join(out, 'legacy.json'),
    path.join(out, 'async.json'),
  ]);
  console.log(`\nRun files are in ${out}.`);
} finally {
  server.kill();
}
