// Runtime confirmation: the loop-watch hooks name the workspace line that blocked the event loop
// while the load ran — sitecustomize.py in Debian's uvicorn (asyncio and uvloop) and gunicorn with
// two forked UvicornWorkers, and the NODE_OPTIONS hook in an Express app.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { startLoad } from '../../src/core/load/engine';
import type { LoopStall } from '../../src/core/model';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { prepareLoopWatch, type LoopReport } from '../../src/core/runtime/loopWatch';
import { freePort } from '../fixtures/servers/ports';

const PY = '/usr/bin/python3';
const fastapiApp = path.join(__dirname, '../fixtures/runtime/fastapi_stalls');
const expressApp = path.join(__dirname, '../fixtures/runtime/express_stalls');
const children: ChildProcess[] = [];

after(() => {
  for (const c of children) if (c.pid && c.exitCode === null) killGroup(c.pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited early (code ${child.exitCode})`);
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on port ${port} did not start`);
}

/** Starts `args` (PORT replaced) with the hook, loads each path with n requests at concurrency c, and collects. */
async function watchRun(
  args: string[],
  paths: string[],
  n = 4,
  c = 4,
  { app = fastapiApp, program = PY, env = {} } = {},
): Promise<Map<string, LoopReport>> {
  const index = new ProjectIndex(app, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const watch = prepareLoopWatch({ root: app });
  const port = await freePort();
  const child = spawn(
    program,
    args.map((a) => a.replace('PORT', String(port))),
    { cwd: app, detached: true, stdio: 'ignore', env: { ...process.env, ...env, PORT: String(port), ...watch.env() } },
  );
  children.push(child);
  try {
    await waitForPort(port, child);
    const reports = new Map<string, LoopReport>();
    for (const p of paths) {
      const startMs = Date.now();
      const record = await startLoad({ url: `http://127.0.0.1:${port}${p}`, concurrency: c, requests: n, warmup: 0 })
        .result;
      assert.equal(record.summary.count, n);
      await new Promise((r) => setTimeout(r, 150)); // the watchdog writes a stall when the loop runs again
      reports.set(p, watch.collect({ startMs, endMs: Date.now() }, index.routes()));
    }
    return reports;
  } finally {
    if (child.pid) killGroup(child.pid);
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
  assert.ok(cpu.line === 25 || cpu.line === 26, `line ${cpu.line} is not inside the loop`);
  assert.equal(cpu.route, 'GET /cpu');

  const healthy = reports.get('/healthy');
  assert.deepEqual(healthy?.loopStalls, [], 'an awaited sleep must not count as a stall');
  assert.ok(healthy?.loopLag && healthy.loopLag.p99Ms < 50, `lag ${JSON.stringify(healthy?.loopLag)}`);
}

test('uvicorn (asyncio): stalls name the blocking line, the CPU loop and the route', async () => {
  const reports = await watchRun(
    ['-m', 'uvicorn', '--loop', 'asyncio', '--host', '127.0.0.1', '--port', 'PORT', 'app:app'],
    ['/blocking', '/cpu', '/healthy'],
  );
  assertAttributed(reports, 4);
  assert.ok(reports.get('/blocking')!.loopLag!.maxMs >= 200, 'the lag series sees the stall');
});

test('uvicorn with uvloop: the same attribution', async () => {
  const reports = await watchRun(
    ['-m', 'uvicorn', '--loop', 'uvloop', '--host', '127.0.0.1', '--port', 'PORT', 'app:app'],
    ['/blocking', '/cpu', '/healthy'],
  );
  assertAttributed(reports, 4);
});

test('gunicorn -w 2 with UvicornWorker: forked workers are watched too', async () => {
  const reports = await watchRun(
    ['-m', 'gunicorn', '-w', '2', '-k', 'uvicorn.workers.UvicornWorker', '-b', '127.0.0.1:PORT', 'app:app'],
    ['/blocking'],
    6,
    6,
  );
  const stall = only(reports.get('/blocking'));
  assert.equal(stall.line, 11);
  assert.ok(stall.count >= 5 && stall.count <= 6, `count ${stall.count}`);
  assert.ok(reports.get('/blocking')!.processes >= 2, 'both workers report');
});

test('Express (NODE_OPTIONS hook): a CPU loop and a large readFileSync are attributed', async () => {
  const bigDir = mkdtempSync(path.join(tmpdir(), 'ep-big-'));
  writeFileSync(path.join(bigDir, 'big.bin'), Buffer.alloc(64 * 1024 * 1024, 1));
  try {
    const reports = await watchRun(['app.js'], ['/cpu', '/read', '/healthy'], 4, 4, {
      app: expressApp,
      program: process.execPath,
      env: { BIG_FILE_DIR: bigDir },
    });
    const cpu = only(reports.get('/cpu'));
    assert.deepEqual([cpu.file, cpu.line, cpu.route], ['app.js', 12, 'GET /cpu']);
    assert.ok(cpu.count >= 2 && cpu.count <= 4, `count ${cpu.count}`);
    assert.ok(cpu.maxMs >= 200, `max ${cpu.maxMs} ms`);

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
