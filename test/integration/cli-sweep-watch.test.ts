// `endpoint-profiler sweep --server CMD --watch-loop` from the built bundle (the hooks ship in
// dist/runtime): Debian's uvicorn started on a free port, two levels swept on the blocking
// endpoint, the server stopped; each level's record and the sweep name the line that blocked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { LoopStall } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/store';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const APP = path.join(__dirname, '..', 'fixtures', 'runtime', 'fastapi_stalls');
const UVICORN = '/usr/bin/python3 -m uvicorn app:app --host {host} --port {port}';

function sweep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'sweep', ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('sweep --watch-loop: each level and the whole sweep name the blocking line and its route', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-sweep-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await sweep([
    '--server',
    UVICORN,
    '--cwd',
    APP,
    '--watch-loop',
    '--levels',
    '1,2',
    '-n',
    '4',
    '--warmup',
    '0',
    '--json',
    '--out',
    dir,
    'http://127.0.0.1:8000/blocking',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { url: string; loopStalls?: LoopStall[]; levels: Array<{ runId: string }> };
  assert.notEqual(new URL(result.url).port, '8000', 'the URL points at the started server');
  const [top, ...others] = result.loopStalls ?? [];
  assert.deepEqual(others, []);
  assert.deepEqual([top.file, top.line, top.function, top.route], ['app.py', 11, 'read_config', 'GET /blocking']);
  // One stall per request, exactly: a request is never split in two (see runtime-loop-watch's split_stall test).
  assert.equal(top.count, 8, `count ${top.count} for 2 × 4 requests`);

  // Each level's run file has its own window's stalls: 4 requests each, not the sweep's 8.
  const store = new RunStore(dir);
  for (const level of result.levels) {
    const run = await store.load(level.runId);
    const [stall] = run.loopStalls ?? [];
    assert.equal(stall?.line, 11, JSON.stringify(run.loopStalls));
    assert.equal(stall.count, 4, `level ${run.config.concurrency}: ${stall.count} stalls`);
    assert.ok(run.loopLag && run.loopLag.maxMs >= 200, JSON.stringify(run.loopLag));
    assert.equal(run.server?.command, UVICORN);
  }

  const text = await sweep([
    '--server',
    UVICORN,
    '--cwd',
    APP,
    '--watch-loop',
    '--levels',
    '1,2',
    '-n',
    '2',
    'http://localhost/cpu',
  ]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Server event loop \(--watch-loop\), all levels:/);
  assert.match(text.stdout, /app\.py:2[5-7] in cpu\(\) \[GET \/cpu\] — blocked the loop/);
});

test('sweep --watch-loop without --server is a one-line usage error', async () => {
  const r = await sweep(['--watch-loop', 'http://127.0.0.1:9/']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--watch-loop needs --server/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
