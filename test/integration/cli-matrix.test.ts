// `endpoint-profiler matrix` with Debian's uvicorn and gunicorn: each --server started on a free
// port, swept, stopped; --repeat alternates them (ABAB); a command that cannot start gets an
// error with its last output lines while the others still run; run files record the server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readRunFile } from '../../src/core/runs/format';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.ts');
const PY = '/usr/bin/python3';
const cwd = path.join(__dirname, '../fixtures/servers');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

interface Matrix {
  kind: string;
  path: string;
  configs: Array<{
    command: string;
    workers?: number;
    error?: string;
    topRps?: number[];
    sweep?: {
      kind: string;
      levels: Array<{ concurrency: number; rps: number; runIds?: string[] }>;
      verdict: { kind: string; text: string };
    };
  }>;
  ranking: string[];
  text: string;
}

test('matrix --repeat 2: uvicorn vs gunicorn -w 2 on the blocking handler, and a command that fails to start', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-matrix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const uvicorn = `${PY} -m uvicorn --host {host} --port {port} sweep_fastapi:app`;
  const gunicorn = `${PY} -m gunicorn -w 2 -k uvicorn.workers.UvicornWorker -b {host}:{port} sweep_fastapi:app`;
  const broken = `${PY} -m uvicorn --port {port} sweep_fastapi:missing`;
  const t0 = Date.now();
  const { code, stdout, stderr } = await cli([
    'matrix',
    '--server',
    uvicorn,
    '--server',
    broken,
    '--server',
    gunicorn,
    '--path',
    '/async-blocking',
    '--levels',
    '1,4',
    '-n',
    '8',
    '--repeat',
    '2',
    '--cwd',
    cwd,
    '--json',
    '--out',
    dir,
  ]);
  t.diagnostic(`matrix took ${Date.now() - t0} ms`);
  assert.equal(code, 0, stderr);
  const m = JSON.parse(stdout) as Matrix;
  t.diagnostic(m.text);
  assert.equal(m.kind, 'matrix');
  assert.equal(m.path, '/async-blocking');
  assert.deepEqual(
    m.configs.map((c) => c.command),
    [uvicorn, broken, gunicorn],
  );
  const [u, b, g] = m.configs;
  assert.equal(u.workers, 1);
  assert.equal(g.workers, 2);
  assert.equal(b.sweep, undefined);
  assert.match(
    b.error ?? '',
    /python3 exited with code 1 before serving on 127\.0\.0\.1:\d+:\n[\s\S]*Attribute "missing" not found/,
  );
  assert.equal(u.sweep?.verdict.kind, 'serialised', u.sweep?.verdict.text);
  assert.notEqual(g.sweep?.verdict.kind, 'scales', g.sweep?.verdict.text);
  // Two rounds pooled per level; the top level's throughput of each round kept.
  assert.equal(u.topRps?.length, 2);
  assert.equal(u.sweep?.levels[0].runIds?.length, 2);
  assert.deepEqual([...m.ranking].sort(), [uvicorn, gunicorn].sort());
  assert.match(m.text, /^Best for \/async-blocking: /);
  assert.match(m.text, /✗ .*sweep_fastapi:missing: python3 exited with code 1/);
  // 2 configs × 2 rounds × 2 levels run files, each with its server.
  const files = readdirSync(dir);
  assert.equal(files.length, 8);
  const recs = await Promise.all(files.map((f) => readRunFile(path.join(dir, f))));
  assert.deepEqual(
    new Set(recs.map((r) => `${r.server?.command}|${r.server?.workers}`)),
    new Set([`${uvicorn}|1`, `${gunicorn}|2`]),
  );
  // ABAB: the rounds alternate (uvicorn, gunicorn, uvicorn, gunicorn) by start time.
  const order = recs
    .filter((r) => r.config.concurrency === 1)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((r) => (r.server?.command === uvicorn ? 'A' : 'B'));
  assert.deepEqual(order, ['A', 'B', 'A', 'B']);
});

test("matrix: usage errors exit 2; shell syntax in a command is that config's error, not a shell run", async () => {
  for (const [args, why] of [
    [['matrix', '--path', '/x'], /give at least one --server/],
    [['matrix', '--server', 'x {port}'], /missing --path/],
    [['matrix', '--server', 'x {port}', '--path', 'x'], /--path must start with '\/'/],
    [['matrix', '--server', 'x', '--path', '/x', '--repeat', '0'], /--repeat needs a whole number/],
  ] as Array<[string[], RegExp]>) {
    const { code, stderr } = await cli(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, why);
  }
  const { code, stdout } = await cli([
    'matrix',
    '--server',
    'node -e "1" && touch /tmp/ep-matrix-pwned',
    '--path',
    '/x',
    '--levels',
    '1,2',
    '--json',
  ]);
  assert.equal(code, 1); // nothing could be swept
  const m = JSON.parse(stdout) as Matrix;
  assert.match(m.configs[0].error ?? '', /'&' \(a background job or &&\) .*needs a shell/);
  assert.deepEqual(m.ranking, []);
});
