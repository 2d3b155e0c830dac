// `endpoint-profiler load --server CMD --watch-loop` from the built bundle (so the hooks ship in
// dist/runtime): the CLI starts Debian's uvicorn on a free port, loads the blocking endpoint, stops
// the server, and the record names the line that blocked the loop, with the route.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RunRecord } from '../../src/core/model';

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
  assert.match(text.stdout, /app\.py:2[56] in cpu\(\) \[GET \/cpu\] — blocked the loop/);
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
