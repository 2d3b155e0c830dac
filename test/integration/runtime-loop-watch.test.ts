// Runtime confirmation: the loop-watch hooks name the workspace line that blocked the event loop
// while the load ran — sitecustomize.py in Debian's uvicorn (asyncio and uvloop, --workers), gunicorn
// with two forked UvicornWorkers and aiohttp, and the NODE_OPTIONS hook in an Express app.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startLoad } from '../../src/core/load/engine';
import type { LoopStall } from '../../src/core/model';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { prepareLoopWatch, type LoopReport } from '../../src/core/runtime/loopWatch';
import { startServer } from '../../src/core/servers';

const PY = '/usr/bin/python3';
const fastapiApp = path.join(__dirname, '../fixtures/runtime/fastapi_stalls');
const expressApp = path.join(__dirname, '../fixtures/runtime/express_stalls');
const aiohttpApp = path.join(__dirname, '../fixtures/runtime/aiohttp_stalls');
/**
 * Starts `argv` (`{port}` and `{host}` filled) with the hooks, loads each path (n requests at c), and
 * collects. The healthy endpoint comes last, right after the CPU loop: its window must not get the
 * CPU run's last stall (it did while stalls were timed by the watchdog's wake-up; see below).
 */
async function watchRun(
  argv: string[],
  paths: string[],
  n = 4,
  c = 4,
  { app = fastapiApp, env = {} } = {},
): Promise<Map<string, LoopReport>> {
  const index = new ProjectIndex(app, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const watch = prepareLoopWatch({ root: app });
  const server = await startServer({
    command: argv,
    cwd: app,
    extraEnv: { ...env, ...watch.env() },
    timeoutMs: 30_000,
  });
  try {
    const reports = new Map<string, LoopReport>();
    for (const p of paths) {
      const startMs = Date.now();
      const record = await startLoad({ url: `${server.url}${p}`, concurrency: c, requests: n, warmup: 0 }).result;
      assert.equal(record.summary.count, n);
      // The watchdog ends a stall when the loop runs its no-op again; on a loaded machine that can come a few
      // hundred ms after the last response, and a stall whose middle falls after this window is the next one's
      await new Promise((r) => setTimeout(r, 600));
      reports.set(p, watch.collect({ startMs, endMs: Date.now() }, index.routes()));
    }
    return reports;
  } finally {
    await server.stop();
    watch.dispose();
  }
}

function only(report: LoopReport | undefined): LoopStall {
  assert.ok(report, 'no report');
  assert.equal(report.loopStalls.length, 1, JSON.stringify(report.loopStalls));
  return report.loopStalls[0];
}

function assertAttributed(reports: Map<string, LoopReport>, n: number): void {
  const sleep = only(reports.get('/blocking'));
  assert.deepEqual(
    [sleep.file, sleep.line, sleep.function, sleep.route],
    ['app.py', 11, 'read_config', 'GET /blocking'],
  );
  assert.ok(sleep.count >= n - 1 && sleep.count <= n, `count ${sleep.count} for ${n} requests`);
  assert.ok(sleep.maxMs >= 200 && sleep.maxMs < 1_000, `max ${sleep.maxMs} ms`);
  assert.ok(sleep.totalMs >= 200 * sleep.count, `total ${sleep.totalMs} ms`);

  const cpu = only(reports.get('/cpu'));
  assert.equal(cpu.function, 'cpu');
  // Sampled when the loop yields the GIL at its backward jump: the loop's lines or the one after (25–27).
  assert.ok(cpu.line >= 25 && cpu.line <= 27, `line ${cpu.line} is not at the loop`);
  assert.equal(cpu.route, 'GET /cpu');

  const healthy = reports.get('/healthy');
  assert.deepEqual(healthy?.loopStalls, [], 'an awaited sleep must not count as a stall');
  assert.ok(healthy?.loopLag && healthy.loopLag.p99Ms < 50, `lag ${JSON.stringify(healthy?.loopLag)}`);
}

test('uvicorn (asyncio): stalls name the blocking line, the CPU loop and the route', async () => {
  const reports = await watchRun(
    [PY, '-m', 'uvicorn', '--loop', 'asyncio', '--host', '127.0.0.1', '--port', '{port}', 'app:app'],
    ['/blocking', '/cpu', '/healthy'],
  );
  assertAttributed(reports, 4);
  assert.ok(reports.get('/blocking')!.loopLag!.maxMs >= 200, 'the lag series sees the stall');
});

test('uvicorn with uvloop: the same attribution', async () => {
  const reports = await watchRun(
    [PY, '-m', 'uvicorn', '--loop', 'uvloop', '--host', '127.0.0.1', '--port', '{port}', 'app:app'],
    ['/blocking', '/cpu', '/healthy'],
  );
  assertAttributed(reports, 4);
});

test('gunicorn -w 2 with UvicornWorker: forked workers are watched too', async () => {
  const reports = await watchRun(
    [PY, '-m', 'gunicorn', '-w', '2', '-k', 'uvicorn.workers.UvicornWorker', '-b', '{host}:{port}', 'app:app'],
    ['/blocking'],
    6,
    6,
  );
  const stall = only(reports.get('/blocking'));
  assert.equal(stall.line, 11);
  assert.ok(stall.count >= 5 && stall.count <= 6, `count ${stall.count}`);
  assert.ok(reports.get('/blocking')!.processes >= 2, 'both workers report');
});

test('uvicorn --workers 2 (spawned worker processes): stalls are watched in each worker', async () => {
  const reports = await watchRun(
    [PY, '-m', 'uvicorn', '--workers', '2', '--host', '127.0.0.1', '--port', '{port}', 'app:app'],
    ['/blocking', '/healthy'],
    6,
    6,
  );
  const stall = only(reports.get('/blocking'));
  assert.deepEqual([stall.file, stall.line, stall.route], ['app.py', 11, 'GET /blocking']);
  assert.ok(stall.count >= 5 && stall.count <= 6, `count ${stall.count}`);
  assert.deepEqual(reports.get('/healthy')?.loopStalls, [], 'an awaited sleep must not count as a stall');
});

test('aiohttp (python -m aiohttp.web): a sync sleep in a helper is attributed to its line and route', async () => {
  const reports = await watchRun(
    [PY, '-m', 'aiohttp.web', '-H', '127.0.0.1', '-P', '{port}', 'app:init'],
    ['/blocking', '/healthy'],
    4,
    4,
    { app: aiohttpApp },
  );
  const stall = only(reports.get('/blocking'));
  assert.deepEqual(
    [stall.file, stall.line, stall.function, stall.route],
    ['app.py', 11, 'read_config', 'GET /blocking'],
  );
  assert.ok(stall.count >= 3 && stall.count <= 4, `count ${stall.count} for 4 requests`);
  assert.deepEqual(reports.get('/healthy')?.loopStalls, [], 'an awaited sleep must not count as a stall');
});

test('Express (NODE_OPTIONS hook): a CPU loop and a large readFileSync are attributed', async () => {
  const bigDir = mkdtempSync(path.join(tmpdir(), 'ep-big-'));
  writeFileSync(path.join(bigDir, 'big.bin'), Buffer.alloc(64 * 1024 * 1024, 1));
  try {
    const reports = await watchRun([process.execPath, 'app.js'], ['/healthy', '/cpu', '/read'], 4, 4, {
      app: expressApp,
      env: { BIG_FILE_DIR: bigDir },
    });
    const cpu = only(reports.get('/cpu'));
    assert.deepEqual([cpu.file, cpu.line, cpu.route], ['app.js', 12, 'GET /cpu']);
    // Node gives no handle on "which request" from a paused stack, so requests handled back to back
    // without a loop turn between them are one stall: the count is of stalls, the total is exact.
    assert.ok(cpu.count >= 1 && cpu.count <= 4, `count ${cpu.count}`);
    assert.ok(cpu.totalMs >= 4 * 200 && cpu.totalMs < 4 * 600, `total ${cpu.totalMs} ms for 4 × 250 ms`);

    const read = reports.get('/read');
    assert.ok(read && read.loopStalls.length >= 1, 'the synchronous read is seen');
    const site = read.loopStalls[0];
    // V8 pauses at the next JS statement: the read's line, or the one right after it returns.
    assert.ok(site.file === 'app.js' && (site.line === 17 || site.line === 18), JSON.stringify(site));
    assert.equal(site.route, 'GET /read');

    assert.deepEqual(reports.get('/healthy')?.loopStalls, []);
  } finally {
    rmSync(bigDir, { recursive: true, force: true });
  }
});

test('a stall is timed to when the loop ran again, not to when the watchdog woke', async () => {
  // late_watchdog.py blocks its loop for 0.3 s, then a C call holds the GIL for ~0.5 s right after
  // the loop ran the hook's no-op, so the watchdog wakes ~0.5 s late. Timed by its wake-up, the
  // stall read ~0.8 s, its middle moved past its end, and on a busy machine it landed in the next
  // run's window (the healthy run after the CPU run once showed a 461 ms cpu() stall).
  const dir = path.join(__dirname, '../fixtures/runtime');
  const watch = prepareLoopWatch({ root: dir });
  try {
    const { stdout: out } = await promisify(execFile)(PY, ['late_watchdog.py'], {
      cwd: dir,
      env: { ...process.env, ...watch.env() },
      timeout: 30_000,
    });
    const hogMs = Number(/hog_ms (\d+)/.exec(out)?.[1]);
    assert.ok(hogMs >= 200, `the GIL was held long enough to delay the watchdog: ${out}`);
    const { loopStalls } = watch.collect({ startMs: 0, endMs: Date.now() + 1_000 });
    const stall = loopStalls.find((s) => s.function === 'stall');
    assert.ok(stall, JSON.stringify(loopStalls));
    assert.equal(stall.count, 1);
    assert.ok(
      stall.maxMs >= 280 && stall.maxMs < 300 + hogMs / 2,
      `${stall.maxMs} ms for a 300 ms stall (hog ${hogMs} ms)`,
    );
  } finally {
    watch.dispose();
  }
});

test('two requests blocking back to back are two stalls, also when the watchdog gets the GIL late', async () => {
  // split_stall.py: request 1 blocks 0.3 s; the loop thread then keeps the GIL through ~30 ms of work,
  // the hook's no-op and the start of request 2, which blocks 0.3 s in the same line. The watchdog's
  // sampling wait times out meanwhile and it samples only once request 2 sleeps, after the no-op ran:
  // that sample used to open a 0 ms segment for request 2, which was then reported again (3 stalls for
  // 2 requests; under uvicorn now and then 5 for 4 at the same line).
  const dir = path.join(__dirname, '../fixtures/runtime');
  const watch = prepareLoopWatch({ root: dir });
  try {
    await promisify(execFile)(PY, ['split_stall.py'], {
      cwd: dir,
      env: { ...process.env, ...watch.env() },
      timeout: 30_000,
    });
    const { loopStalls } = watch.collect({ startMs: 0, endMs: Date.now() + 1_000 });
    const [stall, ...others] = loopStalls;
    assert.deepEqual(others, [], JSON.stringify(loopStalls));
    assert.deepEqual([stall?.function, stall?.line, stall?.count], ['read_config', 15, 2], JSON.stringify(loopStalls));
    assert.ok(stall.totalMs >= 2 * 200, `${stall.totalMs} ms in all for 2 × 300 ms`);
  } finally {
    watch.dispose();
  }
});
