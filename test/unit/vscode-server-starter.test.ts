// Start Server through a minimal fake of the VS Code API (fakeVscode-profile.ts): a malformed
// baseUrl is explained, the port goes in the terminal's environment, the server terminal is
// reused while it lives and is not typed into while its server runs, and a port that already
// listens is reported instead of starting a second server. "Servers" are node:http servers on
// 127.0.0.1 that the test starts when a command is typed into a fake terminal.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, test } from 'node:test';
import type { Route } from '../../src/core/model';
import type * as Starter from '../../src/vscode/serverStarter';
import { calls, requireWithFakeVscode, reset, state, type FakeTerminal } from './fakeVscode-profile';
import { freePort } from '../fixtures/servers/ports';

const { startServer, startedServerFor, SERVER_TERMINAL, tcpProbe } = requireWithFakeVscode<typeof Starter>(
  '../../src/vscode/serverStarter',
);

const folder = {
  uri: { fsPath: '/nonexistent-workspace', path: '/nonexistent-workspace', scheme: 'file' },
  name: 'w',
  index: 0,
} as never;
const expressApp: Route = {
  framework: 'express',
  methods: ['GET'],
  path: '/api/quote',
  file: 'app.js',
  line: 10,
  handler: 'GET /quote',
  async: true,
  execution: 'event-loop',
  routers: ['app.js:app'],
};

const servers: http.Server[] = [];
let probes: string[];

/** Listens on 127.0.0.1:`port` (0 = any free port) as a started server would. */
async function listen(port = 0): Promise<number> {
  const s = http.createServer((_req, res) => res.end('ok'));
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}
const probe = async (host: string, port: number): Promise<boolean> => {
  probes.push(`${host}:${port}`);
  assert.equal(host, '127.0.0.1', 'only loopback is probed here');
  return tcpProbe(host, port);
};
const start = (baseUrl: string, routes: Route[] = []) =>
  startServer({ folder, routes, files: ['app.js'], baseUrl, probe });

beforeEach(() => {
  reset();
  probes = [];
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

test('a malformed baseUrl is explained naming the setting (not a raw "Invalid URL"), and nothing starts', async () => {
  for (const bad of ['127.0.0.1:8000', 'localhost:8000', '', 'ftp://127.0.0.1/']) {
    reset();
    state.settings = { serverCommand: 'uvicorn main:app' };
    assert.equal(await start(bad), undefined, bad);
    const [error] = calls('error');
    assert.ok(error, `${JSON.stringify(bad)}: an error is shown`);
    assert.match(error.text, /endpointProfiler\.baseUrl setting/);
    assert.doesNotMatch(error.text, /^Invalid URL/);
    assert.deepEqual(error.items, ['Open Settings']);
    assert.deepEqual(state.terminals, [], 'no terminal');
    assert.deepEqual(probes, [], 'nothing probed');
  }
  reset();
  await start('localhost:8000');
  assert.match(calls('error')[0].text, /needs the scheme: http:\/\//);
  reset();
  state.answer = (call) => (call.kind === 'error' ? 'Open Settings' : undefined);
  await start('127.0.0.1:8000');
  assert.deepEqual(state.commandsRun, [['workbench.action.openSettings', 'endpointProfiler.baseUrl']]);
});

test('the detected node command gets PORT through the terminal environment, not a POSIX prefix', async () => {
  const port = await freePort();
  const started = await start(`http://127.0.0.1:${port}`, [expressApp]);
  const [pick] = calls('quickPick');
  assert.equal((pick.items[0] as { description: string }).description, 'node app.js');
  assert.deepEqual(started, { command: 'node app.js', host: '127.0.0.1', port, alreadyListening: false });
  const [terminal] = state.terminals;
  assert.equal(terminal.name, SERVER_TERMINAL);
  assert.deepEqual(terminal.creationOptions.env, { PORT: String(port) });
  assert.deepEqual(terminal.sent, ['node app.js']);
});

test('the server terminal is reused while it lives; a closed one is replaced', async () => {
  const port = await freePort();
  state.settings = { serverCommand: 'uvicorn main:app --port 1' };
  await start(`http://127.0.0.1:${port}`);
  await start(`http://127.0.0.1:${port}`); // the first "server" never listened (it exited): run it again in the same terminal
  assert.equal(state.terminals.length, 1, 'one terminal');
  assert.deepEqual(state.terminals[0].sent, ['uvicorn main:app --port 1', 'uvicorn main:app --port 1']);
  assert.equal(state.terminals[0].creationOptions.env, undefined, 'no environment needed');

  const first = state.terminals[0];
  first.dispose(); // the user closed it
  await start(`http://127.0.0.1:${port}`);
  assert.equal(state.terminals.length, 1);
  assert.notEqual(state.terminals[0], first, 'a new terminal');
  assert.deepEqual(state.terminals[0].sent, ['uvicorn main:app --port 1']);
});

test('a server that already listens is reported, not started twice; the command is known when this session started it', async () => {
  const port = await freePort();
  state.settings = { serverCommand: `python -m uvicorn main:app --port ${port}` };
  state.onSendText = (_t: FakeTerminal) => {
    void listen(port);
  };
  const url = `http://127.0.0.1:${port}`;
  assert.equal(startedServerFor(url), undefined);
  const first = await start(url);
  assert.equal(first?.alreadyListening, false);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await tcpProbe('127.0.0.1', port), true, 'the fake terminal started it');
  assert.equal(
    startedServerFor(`${url}/items/1`),
    `python -m uvicorn main:app --port ${port}`,
    'a URL on that port is served by it',
  );
  assert.equal(startedServerFor('http://127.0.0.1:1/'), undefined, 'another port is not');

  state.calls = [];
  const again = await start(url);
  assert.deepEqual(again, {
    command: `python -m uvicorn main:app --port ${port}`,
    host: '127.0.0.1',
    port,
    alreadyListening: true,
  });
  assert.equal(state.terminals.length, 1);
  assert.equal(state.terminals[0].sent.length, 1, 'nothing typed into the running server');
  assert.match(calls('info')[0]?.text ?? '', /already listens at 127\.0\.0\.1:\d+.*not starting a second/);

  state.terminals[0].dispose();
  assert.equal(startedServerFor(url), undefined, 'once its terminal is closed it is no longer known');
});

test('something else listening on the port: said so, nothing started', async () => {
  const port = await listen();
  state.settings = { serverCommand: 'uvicorn main:app' };
  const r = await start(`http://127.0.0.1:${port}`);
  assert.deepEqual(r, { host: '127.0.0.1', port, alreadyListening: true });
  assert.deepEqual(state.terminals, []);
  assert.match(calls('info')[0]?.text ?? '', /Something already listens at 127\.0\.0\.1:\d+/);
});

test('a terminal whose server (for another port) still runs is left alone: the new command gets its own terminal', async () => {
  const [a, b] = [await freePort(), await freePort()];
  state.settings = { serverCommand: 'uvicorn main:app' };
  state.onSendText = () => {
    void listen(a);
  };
  await start(`http://127.0.0.1:${a}`);
  await new Promise((r) => setTimeout(r, 50));
  state.onSendText = () => undefined;
  await start(`http://127.0.0.1:${b}`);
  assert.equal(state.terminals.length, 2, "a second terminal, rather than typing into the first one's server");
  assert.deepEqual(
    state.terminals.map((t) => t.sent.length),
    [1, 1],
  );
});
