// Start Server through a minimal fake of the VS Code API (fakeVscode-profile.ts), with real
// processes on 127.0.0.1 started through core/servers: a workspace's serverCommand is shown and
// asked about before its first run (the safe answer is the default, the approval remembered per
// workspace), shell syntax is refused rather than run, a command that exits is reported at once
// with its last lines instead of a 60 s wait, typed commands are remembered most recent first,
// an untrusted workspace starts nothing, and a port that already listens is not started twice.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, beforeEach, test } from 'node:test';
import type { Route } from '../../src/core/model';
import type * as Starter from '../../src/vscode/serverStarter';
import { calls, memento, requireWithFakeVscode, reset, state } from './fakeVscode-profile';
import { freePort } from '../fixtures/servers/ports';

const { startServer, startedServerFor, stopStartedServers, APPROVED_KEY, RECENT_KEY, SERVER_OUTPUT } =
  requireWithFakeVscode<typeof Starter>('../../src/vscode/serverStarter');

const dir = mkdtempSync(path.join(tmpdir(), 'ep-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const folder = { uri: { fsPath: dir, path: dir, scheme: 'file' }, name: 'w', index: 0 } as never;
const node = process.execPath;
/** A server that says where it runs (a marker file) and listens on HOST:PORT as set for it. */
const SERVER = path.join(dir, 'server.js');
writeFileSync(
  SERVER,
  `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, JSON.stringify({ host: process.env.HOST, port: process.env.PORT, cwd: process.cwd() }));
require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST);
console.log('listening');`,
);
const ran = (): { host: string; port: string; cwd: string } | undefined =>
  existsSync(path.join(dir, 'ran')) ? JSON.parse(readFileSync(path.join(dir, 'ran'), 'utf8')) : undefined;

let workspaceState: ReturnType<typeof memento>;
const start = (baseUrl: string) => startServer({ folder, routes: [], files: [], baseUrl, state: workspaceState });

beforeEach(() => {
  reset();
  workspaceState = memento();
  rmSync(path.join(dir, 'ran'), { force: true });
});
afterEach(() => stopStartedServers());

test('a workspace serverCommand is shown and asked about first; dismissing (the default) runs nothing', async () => {
  const port = await freePort();
  state.settings = { serverCommand: `${node} ${SERVER}` };
  assert.equal(await start(`http://127.0.0.1:${port}`), undefined);
  const [ask] = calls('warning');
  assert.ok(ask, 'asked before running');
  assert.equal(ask.options?.modal, true);
  assert.ok(ask.text.includes(`${node} ${SERVER}`), `the exact command is shown: ${ask.text}`);
  assert.match(String(ask.options?.detail), /endpointProfiler\.serverCommand setting/);
  assert.equal(ask.items[0], "Don't Run", 'the default (first) button is the safe one');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(ran(), undefined, 'nothing ran');

  // Approved: it runs bound to loopback with HOST and PORT set, and is not asked about again.
  state.answer = (call) => (call.kind === 'warning' ? 'Run Command' : undefined);
  const started = await start(`http://127.0.0.1:${port}`);
  assert.deepEqual(started, { command: `${node} ${SERVER}`, host: '127.0.0.1', port, alreadyListening: false });
  assert.deepEqual(ran(), { host: '127.0.0.1', port: String(port), cwd: dir });
  assert.equal(startedServerFor(`http://127.0.0.1:${port}/x`), `${node} ${SERVER}`);
  assert.match(state.output.get(SERVER_OUTPUT) ?? '', /listening/, 'its output is in the output channel');
  assert.equal(workspaceState.get<string[]>(APPROVED_KEY)?.length, 1);
  await stopStartedServers();
  assert.equal(startedServerFor(`http://127.0.0.1:${port}`), undefined, 'a stopped server is no longer known');

  state.calls = [];
  state.answer = () => undefined;
  assert.ok(await start(`http://127.0.0.1:${port}`), 'the remembered approval is used');
  assert.equal(calls('warning').length, 0, 'not asked twice');

  // Another command is another question.
  await stopStartedServers();
  state.settings = { serverCommand: `${node} ${SERVER} --other` };
  assert.equal(await start(`http://127.0.0.1:${port}`), undefined);
  assert.equal(calls('warning').length, 1);
});

test('shell syntax in serverCommand is refused with the reason, never run or asked about', async () => {
  const port = await freePort();
  const marker = path.join(dir, 'pwned');
  state.settings = { serverCommand: `${node} ${SERVER}; touch ${marker}` };
  state.answer = (call) => (call.kind === 'warning' ? 'Run Command' : undefined);
  assert.equal(await start(`http://127.0.0.1:${port}`), undefined);
  assert.equal(calls('warning').length, 0);
  assert.match(calls('error')[0]?.text ?? '', /uses ';' \(a command list\).*without a shell/);
  assert.equal(existsSync(marker), false);
  assert.equal(ran(), undefined);
});

test('a command that exits is reported at once with its last output lines, not after a 60 s wait', async () => {
  const port = await freePort();
  state.answer = (call) => {
    if (call.kind === 'quickPick') return call.items.find((i) => (i as { label: string }).label === 'Enter a command…');
    if (call.kind === 'inputBox')
      return `${node} -e "console.error('ModuleNotFoundError: No module named app'); process.exit(3)"`;
    return undefined;
  };
  const t0 = Date.now();
  assert.equal(await start(`http://127.0.0.1:${port}`), undefined);
  assert.ok(Date.now() - t0 < 10_000, `reported in ${Date.now() - t0} ms`);
  const [error] = calls('error');
  assert.match(error?.text ?? '', /exited with code 3/);
  assert.match(error?.text ?? '', /No module named app/, 'the last lines are quoted');
  assert.deepEqual(error.items, ['Show Output']);
  assert.equal(calls('warning').length, 0, 'a command the user typed is not asked about again');
});

test('typed commands are offered again, most recent first', async () => {
  const port = await freePort();
  for (const extra of ['--a', '--b']) {
    state.answer = (call) => {
      if (call.kind === 'quickPick')
        return call.items.find((i) => (i as { label: string }).label === 'Enter a command…');
      if (call.kind === 'inputBox') return `${node} ${SERVER} ${extra}`;
      return undefined;
    };
    assert.ok(await start(`http://127.0.0.1:${port}`));
    await stopStartedServers();
  }
  assert.deepEqual(workspaceState.get(RECENT_KEY), [`${node} ${SERVER} --b`, `${node} ${SERVER} --a`]);
  state.calls = [];
  state.answer = (call) => (call.kind === 'quickPick' ? call.items[0] : undefined);
  assert.ok(await start(`http://127.0.0.1:${port}`), 'the recent command starts without typing or asking');
  const labels = (calls('quickPick')[0].items as Array<{ label: string }>).map((i) => i.label);
  assert.deepEqual(labels.slice(0, 2), [`${node} ${SERVER} --b`, `${node} ${SERVER} --a`]);
  assert.equal(calls('warning').length, 0);
});

test('an untrusted workspace, or a baseUrl that is not this machine, starts nothing', async () => {
  state.trusted = false;
  state.settings = { serverCommand: `${node} ${SERVER}` };
  assert.equal(await start(`http://127.0.0.1:${await freePort()}`), undefined);
  assert.match(calls('error')[0]?.text ?? '', /not trusted/);
  reset();
  state.settings = { serverCommand: `${node} ${SERVER}` };
  // No connection is made to it: the host is refused before any probe.
  assert.equal(await start('http://192.0.2.1:8000'), undefined);
  assert.match(calls('error')[0]?.text ?? '', /on this machine only/);
  assert.equal(calls('warning').length, 0);
  assert.equal(ran(), undefined);
});

test('a malformed baseUrl is explained naming the setting, and nothing starts', async () => {
  state.settings = { serverCommand: 'uvicorn main:app' };
  assert.equal(await start('127.0.0.1:8000'), undefined);
  assert.match(calls('error')[0].text, /endpointProfiler\.baseUrl setting.*needs the scheme/);
  assert.deepEqual(calls('error')[0].items, ['Open Settings']);
});

test('a port that already listens is reported, not started twice', async () => {
  const s = http.createServer((_q, r) => r.end('ok'));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  after(() => new Promise((r) => s.close(r)));
  state.settings = { serverCommand: `${node} ${SERVER}` };
  const again = await start(`http://127.0.0.1:${port}`);
  assert.deepEqual(again, { host: '127.0.0.1', port, alreadyListening: true });
  assert.match(calls('info')[0]?.text ?? '', /already listens at 127\.0\.0\.1:\d+.*not starting a second/);
  assert.equal(calls('warning').length, 0);
});

test('a Node app that calls listen(PORT) without a host binds loopback, not every interface', async () => {
  const port = await freePort();
  const app = path.join(dir, 'express-like.js');
  const bound = path.join(dir, 'bound');
  writeFileSync(
    app,
    `const s = require('http').createServer((q, r) => r.end('ok'));
s.listen(Number(process.env.PORT), () => require('fs').writeFileSync(${JSON.stringify(bound)}, s.address().address));
const t = require('net').createServer();
t.listen({ port: 0 }, () => require('fs').appendFileSync(${JSON.stringify(bound)}, ' ' + t.address().address));`,
  );
  state.answer = (call) => {
    if (call.kind === 'quickPick') return call.items.find((i) => (i as { label: string }).label === 'Enter a command…');
    if (call.kind === 'inputBox') return `${node} ${app}`;
    return undefined;
  };
  assert.ok(await start(`http://127.0.0.1:${port}`));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(readFileSync(bound, 'utf8'), '127.0.0.1 127.0.0.1', 'listen(port) and listen({port}) on loopback');
});

test("a FastAPI project: the Python extension's interpreter runs the [tool.fastapi] entrypoint from the project's folder, bound to loopback", async () => {
  // full-stack-fastapi-template's layout: the routes live in backend/app/api/routes/, the app in
  // backend/app/main.py, and backend/pyproject.toml names it.
  const backend = path.join(dir, 'backend');
  mkdirSync(backend, { recursive: true });
  state.files.set(
    path.join(backend, 'pyproject.toml'),
    '[project]\nname = "app"\n\n[tool.fastapi]\nentrypoint = "app.main:app"\n',
  );
  // The interpreter the Python extension selected: a stand-in that says how it was run and serves.
  const python = path.join(dir, 'venv-python');
  writeFileSync(
    python,
    `#!${node}\nrequire('fs').writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, JSON.stringify({ host: process.env.HOST, port: process.env.PORT, cwd: process.cwd(), argv: process.argv.slice(2) }));\nrequire('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST);\n`,
  );
  chmodSync(python, 0o755);
  let asked = 0;
  state.extensions['ms-python.python'] = {
    isActive: false,
    exports: undefined,
    activate: async () => ({
      environments: {
        getActiveEnvironmentPath: (resource?: { fsPath: string }) => {
          asked++;
          assert.equal(resource?.fsPath, dir, "asked for the workspace folder's interpreter");
          return { id: 'venv', path: python };
        },
      },
    }),
  };
  const route: Route = {
    framework: 'fastapi',
    methods: ['GET'],
    path: '/api/v1/items/',
    file: 'backend/app/api/routes/items.py',
    line: 12,
    handler: 'read_items',
    async: false,
    execution: 'threadpool',
    routers: ['api.api_router', 'items.router'],
  };
  const files = ['backend/app/main.py', 'backend/app/api/main.py', 'backend/app/api/routes/items.py'];
  const port = await freePort();
  state.answer = (call) => {
    if (call.kind === 'quickPick') return call.items[0];
    if (call.kind === 'warning') return 'Run Command';
    return undefined;
  };
  const started = await startServer({
    folder,
    routes: [route],
    files,
    baseUrl: `http://127.0.0.1:${port}`,
    state: workspaceState,
    route,
  });
  const [picker] = calls('quickPick');
  const first = picker.items[0] as { label: string; description: string; detail?: string };
  assert.equal(first.label, 'uvicorn app.main:app (in backend/)', JSON.stringify(picker.items));
  assert.equal(first.description, `${python} -m uvicorn app.main:app --host {host} --port {port}`);
  assert.match(String(first.detail), /\[tool\.fastapi\] entrypoint in backend\/pyproject\.toml/);
  assert.ok(asked > 0, 'the Python extension was asked');
  assert.match(
    calls('warning')[0]?.text ?? '',
    new RegExp(`${python.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} -m uvicorn app\\.main:app`),
  );
  assert.ok(started, `started: ${JSON.stringify(calls('error').map((c) => c.text))}`);
  assert.deepEqual(ran(), {
    host: '127.0.0.1',
    port: String(port),
    cwd: backend,
    argv: ['-m', 'uvicorn', 'app.main:app', '--host', '127.0.0.1', '--port', String(port)],
  });
  await stopStartedServers();

  // Without the Python extension: python3 -m uvicorn, same entrypoint and folder.
  state.calls = [];
  state.extensions = {};
  state.answer = () => undefined;
  await startServer({
    folder,
    routes: [route],
    files,
    baseUrl: `http://127.0.0.1:${port}`,
    state: workspaceState,
    route,
  });
  const item = calls('quickPick')[0].items[0] as { description: string };
  assert.equal(item.description, 'python3 -m uvicorn app.main:app --host {host} --port {port}');
});
