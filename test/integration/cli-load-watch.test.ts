// `endpoint-profiler load --server CMD --watch-loop` from the built bundle (so the hooks ship in
// dist/runtime): the CLI starts Debian's uvicorn on a free port, loads the blocking endpoint, stops
// the server, and the record names the line that blocked the loop, with the route. Also matrix
// --watch-loop, and a matrix stopped by SIGTERM takes its server down with it.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { LoopStall, RunRecord } from '../../src/core/model';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const APP = path.join(__dirname, '..', 'fixtures', 'runtime', 'fastapi_stalls');
const UVICORN = '/usr/bin/python3 -m uvicorn app:app --host {host} --port {port}';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'load', ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('--watch-loop names the blocking line and its route in the run record and the report', async () => {
  const json = await cli([
    '--server',
    UVICORN,
    '--cwd',
    APP,
    '--watch-loop',
    '-n',
    '4',
    '-c',
    '4',
    '--json',
    'http://127.0.0.1:8000/blocking',
  ]);
  assert.equal(json.code, 0, json.stderr);
  const record = JSON.parse(json.stdout) as RunRecord;
  assert.equal(record.summary.ok, 4);
  assert.match(record.target.url, /^http:\/\/127\.0\.0\.1:\d+\/blocking$/);
  assert.notEqual(new URL(record.target.url).port, '8000', 'the URL points at the started server');
  assert.equal(record.server?.command, UVICORN);
  const [stall, ...rest] = record.loopStalls ?? [];
  assert.deepEqual(rest, []);
  assert.deepEqual(
    [stall.file, stall.line, stall.function, stall.route],
    ['app.py', 11, 'read_config', 'GET /blocking'],
  );
  assert.ok(stall.count >= 3 && stall.count <= 4, `count ${stall.count}`);
  assert.ok(record.loopLag && record.loopLag.maxMs >= 200, JSON.stringify(record.loopLag));

  const text = await cli([
    '--server',
    UVICORN,
    '--cwd',
    APP,
    '--watch-loop',
    '-n',
    '2',
    '-c',
    '2',
    'http://localhost/cpu',
  ]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Server event loop \(--watch-loop\):/);
  // A CPU-bound loop gives up the GIL (and so is sampled) at its backward jump, which CPython may
  // place on the loop's lines or the one after it (25–27 here).
  assert.match(text.stdout, /app\.py:2[5-7] in cpu\(\) \[GET \/cpu\] — blocked the loop/);
});

test('a server that cannot start is named with its last output lines; usage errors exit 2', async () => {
  const broken = await cli([
    '--server',
    '/usr/bin/python3 -m uvicorn nowhere:app --port {port}',
    '--cwd',
    APP,
    '-n',
    '1',
    'http://127.0.0.1/',
  ]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /nowhere/);
  assert.doesNotMatch(broken.stderr, /\n\s+at /, 'no stack trace');

  const unwatched = await cli(['--watch-loop', '-n', '1', 'http://127.0.0.1:9/']);
  assert.equal(unwatched.code, 2);
  assert.match(unwatched.stderr, /--watch-loop needs --server/);

  const shell = await cli(['--server', 'uvicorn app:app --port {port}; touch x', '-n', '1', 'http://127.0.0.1/']);
  assert.equal(shell.code, 2);
  assert.equal(shell.stderr.trim().split('\n').length, 1, shell.stderr);
});

function matrix(args: string[], timeout = 120_000): ReturnType<typeof cli> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'matrix', ...args], { timeout }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('matrix --watch-loop names, per configuration, where its loop was blocked', async () => {
  const gunicorn = '/usr/bin/python3 -m gunicorn -w 2 -k uvicorn.workers.UvicornWorker -b {host}:{port} app:app';
  const r = await matrix([
    '--server',
    UVICORN,
    '--server',
    gunicorn,
    '--cwd',
    APP,
    '--path',
    '/blocking',
    '--levels',
    '1,2',
    '-n',
    '4',
    '--watch-loop',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as {
    configs: Array<{ command: string; loopStalls?: LoopStall[] }>;
    text: string;
  };
  for (const c of result.configs) {
    const [top] = c.loopStalls ?? [];
    assert.deepEqual([top?.file, top?.line, top?.route], ['app.py', 11, 'GET /blocking'], c.command);
    assert.ok(top.count >= 6, `${c.command}: ${top.count} stalls for 8 requests + warm-up`);
  }
  assert.match(result.text, /loop blocked at app\.py:11 in read_config\(\)/);
});

test('SIGTERM stops a matrix and the server it started', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-matrix-term-'));
  const pidFile = path.join(dir, 'pid');
  writeFileSync(
    path.join(dir, 'server.js'),
    `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
     require('http').createServer((q, s) => setTimeout(() => s.end('ok'), 50)).listen(Number(process.env.PORT), '127.0.0.1');`,
  );
  try {
    const child = spawn(process.execPath, [
      CLI,
      'matrix',
      '--server',
      `${process.execPath} server.js`,
      '--cwd',
      dir,
      '--path',
      '/',
      '--levels',
      '1',
      '-z',
      '30s',
    ]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const until = Date.now() + 20_000;
    while (!existsSync(pidFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000)); // the sweep is under way
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.ok(Date.now() - started < 10_000, 'stops within the current level, not after -z');
    assert.equal(code, 1, stderr);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the server was stopped with the matrix');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
