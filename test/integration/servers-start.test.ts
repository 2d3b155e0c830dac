// startServer against real servers: node:http, uvicorn, gunicorn (its workers must die with it),
// Flask; commands that cannot start fail fast with their own output; shell syntax is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  processGroupMembers,
  serverWorkers,
  ServerStartError,
  startServer,
  type RunningServer,
} from '../../src/core/servers';

const PY = '/usr/bin/python3';
const dir = path.join(__dirname, '../fixtures/servers');
const NODE_SERVER = path.join(dir, 'node_http_server.js');

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** Starts a server and registers its stop with the test, so a failing assertion never leaks it. */
async function started(
  t: { after(fn: () => Promise<unknown>): void },
  s: Promise<RunningServer>,
): Promise<RunningServer> {
  const server = await s;
  t.after(() => server.stop());
  return server;
}

/** Whether `pid` is a live (non-zombie) process. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('node:http from argv: free port substituted, PORT/HOST set, output captured, group stopped', async (t) => {
  const s = await started(
    t,
    startServer({
      command: [process.execPath, NODE_SERVER, '--port', '{port}', '--fork'],
      cwd: dir,
      timeoutMs: 10_000,
    }),
  );
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const { status, body } = await get(`${s.url}/`);
  assert.equal(status, 200);
  assert.equal((JSON.parse(body) as { pid: number }).pid, s.pid);
  await new Promise((r) => setTimeout(r, 300)); // the forked child is up
  const members = processGroupMembers(s.pid);
  assert.ok(members.length >= 2, `leader and its forked child in the group, got ${members.join(',')}`);
  assert.ok(
    s.output().some((l) => l === `listening on 127.0.0.1:${s.port}`),
    s.output().join('\n'),
  );
  const exit = await s.stop();
  assert.equal(exit.signal, 'SIGTERM');
  assert.deepEqual(processGroupMembers(s.pid), []);
  for (const m of members) assert.equal(running(m), false, `pid ${m} survived`);
});

test('a string command is split without a shell; extraEnv and pythonPathPrepend reach the server', async (t) => {
  const site = mkdtempSync(path.join(os.tmpdir(), 'ep-site-'));
  t.after(() => rmSync(site, { recursive: true, force: true }));
  writeFileSync(
    path.join(site, 'sitecustomize.py'),
    'import os\nprint("sitecustomize loaded", os.environ.get("EXTRA"), flush=True)\n',
  );
  const s = await started(
    t,
    startServer({
      command: `${PY} -m http.server {port} --bind '{host}'`,
      cwd: dir,
      extraEnv: { EXTRA: 'from-extraEnv' },
      pythonPathPrepend: [site],
      readinessPath: '/',
      timeoutMs: 15_000,
    }),
  );
  assert.deepEqual(s.argv.slice(-3), [String(s.port), '--bind', '127.0.0.1']);
  assert.equal((await get(`${s.url}/seeds_flask.py`)).status, 200);
  assert.ok(s.output().includes('sitecustomize loaded from-extraEnv'), s.output().join('\n'));

  const n = await started(
    t,
    startServer({ command: `EXTRA='a b' ${process.execPath} ${NODE_SERVER}`, cwd: dir, timeoutMs: 10_000 }),
  );
  assert.equal((JSON.parse((await get(n.url)).body) as { env: string }).env, 'a b');
});

test('readiness waits for the path to answer, not just for the port', async (t) => {
  const t0 = Date.now();
  const s = await started(
    t,
    startServer({
      command: [process.execPath, NODE_SERVER],
      cwd: dir,
      readinessPath: '/slow-start',
      timeoutMs: 15_000,
    }),
  );
  assert.ok(Date.now() - t0 >= 1400, `ready after ${Date.now() - t0} ms`);
  assert.equal((await get(`${s.url}/slow-start`)).status, 200);
});

test('a master that serves before its worker has booted is ready only once the group is quiet', async (t) => {
  const s = await started(
    t,
    startServer({ command: [process.execPath, NODE_SERVER, '--boot-worker', '1500'], cwd: dir, timeoutMs: 15_000 }),
  );
  assert.deepEqual(JSON.parse((await get(`${s.url}/booted`)).body), { booted: true });
});

test('uvicorn (Debian) serves the FastAPI seed app and stops on SIGTERM', async (t) => {
  const command = `${PY} -m uvicorn --host {host} --port {port} seeds_fastapi:app`;
  const s = await started(t, startServer({ command, cwd: dir, readinessPath: '/async-sleep', timeoutMs: 20_000 }));
  assert.equal((await get(`${s.url}/async-sleep`)).status, 200);
  assert.equal(serverWorkers(command), 1);
  await s.stop();
  assert.ok(
    s.output().some((l) => /Uvicorn running on/.test(l)),
    s.output().join('\n'),
  );
  assert.deepEqual(processGroupMembers(s.pid), []);
});

test('gunicorn -w 2: stop() ends the master and both workers; Flask under gunicorn answers', async (t) => {
  const command = `${PY} -m gunicorn -w 2 -b {host}:{port} seeds_flask:app`;
  const s = await started(t, startServer({ command, cwd: dir, timeoutMs: 20_000 }));
  assert.equal(serverWorkers(command), 2);
  // gunicorn forks its workers after binding: wait until both are there.
  const until = Date.now() + 10_000;
  while (processGroupMembers(s.pid).length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const members = processGroupMembers(s.pid);
  assert.ok(members.length >= 3, `master + 2 workers, got ${members.length}`);
  assert.equal((await get(`${s.url}/sleep`)).status, 200);
  await s.stop();
  assert.deepEqual(processGroupMembers(s.pid), []);
  for (const m of members) assert.equal(running(m), false, `pid ${m} survived`);
});

test('flask run (Debian Flask 2.2) on the chosen port', async (t) => {
  const s = await started(
    t,
    startServer({
      command: `${PY} -m flask --app seeds_flask run --host {host} --port {port}`,
      cwd: dir,
      timeoutMs: 20_000,
    }),
  );
  const t0 = Date.now();
  assert.equal((await get(`${s.url}/sleep`)).status, 200);
  assert.ok(Date.now() - t0 >= 900);
});

test('a command that does not exist fails at once, not after the timeout', async () => {
  const t0 = Date.now();
  await assert.rejects(
    startServer({ command: 'uvicorn-not-installed app:app --port {port}', cwd: dir, timeoutMs: 30_000 }),
    (e: unknown) =>
      e instanceof ServerStartError && e.kind === 'spawn' && /uvicorn-not-installed: command not found/.test(e.message),
  );
  assert.ok(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
  // Through an interpreter: the module is missing, the interpreter says so and exits 1.
  const t1 = Date.now();
  await assert.rejects(
    startServer({ command: `${PY} -m no_such_server_module --port {port}`, cwd: dir, timeoutMs: 30_000 }),
    (e: unknown) =>
      e instanceof ServerStartError &&
      e.kind === 'exited' &&
      e.exit?.code === 1 &&
      /python3 exited with code 1 before serving/.test(e.message) &&
      e.output.some((l) => /No module named no_such_server_module/.test(l)),
  );
  assert.ok(Date.now() - t1 < 5000, `${Date.now() - t1} ms`);
});

test('a server that exits early: its exit code and last lines, at once', async () => {
  const t0 = Date.now();
  await assert.rejects(
    startServer({
      command: [
        process.execPath,
        '-e',
        'console.log("loading app"); console.error("ImportError: no app"); process.exit(3)',
      ],
      cwd: dir,
      timeoutMs: 30_000,
    }),
    (e: unknown) =>
      e instanceof ServerStartError &&
      e.kind === 'exited' &&
      e.exit?.code === 3 &&
      e.message.endsWith('loading app\nImportError: no app') &&
      e.output.length === 2,
  );
  assert.ok(Date.now() - t0 < 5000);
  // An app error in uvicorn: the import fails, uvicorn prints why and exits.
  await assert.rejects(
    startServer({ command: `${PY} -m uvicorn --port {port} seeds_fastapi:missing`, cwd: dir, timeoutMs: 30_000 }),
    (e: unknown) =>
      e instanceof ServerStartError && e.kind === 'exited' && /Attribute "missing" not found/.test(e.message),
  );
});

test('never ready: stopped and reported after the timeout, with its output', async () => {
  await assert.rejects(
    startServer({
      command: [process.execPath, '-e', 'console.log("busy"); setInterval(() => {}, 1000)'],
      cwd: dir,
      timeoutMs: 800,
    }),
    (e: unknown) =>
      e instanceof ServerStartError &&
      e.kind === 'timeout' &&
      /did not accept connections on 127\.0\.0\.1:\d+ within 0\.8 s:\nbusy$/.test(e.message),
  );
});

test('shell syntax and non-loopback hosts are refused before anything runs', async () => {
  await assert.rejects(
    startServer({ command: 'uvicorn app:app --port {port} && touch /tmp/pwned', cwd: dir, timeoutMs: 1000 }),
    (e: unknown) => e instanceof ServerStartError && e.kind === 'syntax' && /'&' .*needs a shell/.test(e.message),
  );
  await assert.rejects(startServer({ command: ['node'], cwd: dir, host: '0.0.0.0', timeoutMs: 1000 }), /loopback only/);
});

test('a given port that something already serves is refused before the command runs', async (t) => {
  const s = await started(t, startServer({ command: [process.execPath, NODE_SERVER], cwd: dir, timeoutMs: 10_000 }));
  await assert.rejects(
    startServer({ command: [process.execPath, NODE_SERVER], cwd: dir, port: s.port, timeoutMs: 10_000 }),
    (e: unknown) =>
      e instanceof ServerStartError &&
      e.kind === 'busy' &&
      e.message === `something already listens on 127.0.0.1:${s.port}; stop it or choose another port`,
  );
});
