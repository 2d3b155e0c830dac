// Start Server watches the loop by default, and Profile Endpoint puts the run's window of it on the
// saved record; `endpointProfiler.watchLoop: false` turns it off. Through the minimal fake of the
// VS Code API, with a real Node server on 127.0.0.1 (a CPU loop in its handler), the real load
// engine and a real RunStore: the record names the server's line, or has no loop fields at all.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { Route, RunRecord } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/store';
import type * as ProfileCommand from '../../src/vscode/profileCommand';
import type * as ServerStarterModule from '../../src/vscode/serverStarter';
import { calls, memento, requireWithFakeVscode, reset, state } from './fakeVscode-profile';
import { freePort } from '../fixtures/servers/ports';

const { EndpointProfiler } = requireWithFakeVscode<typeof ProfileCommand>('../../src/vscode/profileCommand');
const { stopStartedServers, loopWatchFor } = requireWithFakeVscode<typeof ServerStarterModule>(
  '../../src/vscode/serverStarter',
);

// Line 4 burns ~150 ms of CPU on the loop per request: only a runtime watch can see it.
const SERVER = `const http = require('http');
function busy() {
  const until = Date.now() + 150;
  while (Date.now() < until) {}
}
http.createServer((q, s) => { busy(); s.end('ok'); }).listen(Number(process.env.PORT), process.env.HOST);
`;

let dir: string;
let store: RunStore;
let saved: RunRecord[];
beforeEach(() => {
  reset();
  dir = mkdtempSync(path.join(tmpdir(), 'ep-loop-wiring-'));
  writeFileSync(path.join(dir, 'server.js'), SERVER);
  store = new RunStore(path.join(dir, 'runs'));
  saved = [];
});
afterEach(async () => {
  await stopStartedServers();
  rmSync(dir, { recursive: true, force: true });
});

const route: Route = {
  framework: 'express',
  methods: ['GET'],
  path: '/busy',
  file: 'server.js',
  line: 6,
  handler: '<anonymous>',
  async: false,
  execution: 'event-loop',
};

/** Profile Endpoint with nothing listening: the user picks Start Server…, approves the configured command. */
async function profileWithStartServer(settings: Record<string, unknown>): Promise<RunRecord> {
  const port = await freePort();
  state.settings = {
    baseUrl: `http://127.0.0.1:${port}`,
    concurrency: 2,
    requests: 4,
    timeout: 5,
    serverCommand: `${process.execPath} server.js`,
    ...settings,
  };
  state.answer = (call) => {
    if (call.kind === 'error' && call.items.includes('Start Server…')) return 'Start Server…';
    if (call.kind === 'warning' && call.items.includes('Run Command')) return 'Run Command';
    return call.kind === 'quickPick' ? call.items[0] : undefined;
  };
  const profiler = new EndpointProfiler({
    context: { workspaceState: memento(), subscriptions: [] } as never,
    folder: { uri: { fsPath: dir, path: dir, scheme: 'file' }, name: 'w', index: 0 } as never,
    routes: () => [route],
    files: () => ['server.js'],
    panels: { openLive: () => ({ progress: () => undefined, finish: () => undefined, fail: () => undefined }) },
    store,
    onRunSaved: (run) => {
      saved.push(run);
    },
  });
  await profiler.profile(route);
  assert.equal(saved.length, 1, JSON.stringify(calls('error').map((c) => c.text)));
  return store.load(saved[0].id); // what the Runs view and the diagnostics read
}

test('Start Server watches the loop by default: the saved run names the line that blocked it', async () => {
  const run = await profileWithStartServer({});
  const [ask] = calls('warning');
  assert.match(String(ask.options?.detail), /event loop is watched/, 'the consent says the server is watched');
  assert.equal(run.summary.ok, 4);
  const [stall] = run.loopStalls ?? [];
  assert.ok(stall, `no stall in ${JSON.stringify(run.loopStalls)}`);
  assert.deepEqual([stall.file, stall.function], ['server.js', 'busy']);
  assert.ok(stall.line >= 3 && stall.line <= 4, `line ${stall.line} is the busy loop`);
  assert.ok(stall.totalMs >= 4 * 100, `total ${stall.totalMs} ms for 4 × 150 ms`);
  assert.ok(run.loopLag && run.loopLag.maxMs >= 100, JSON.stringify(run.loopLag));
});

test('endpointProfiler.watchLoop: false starts the server unwatched and the run has no loop fields', async () => {
  const run = await profileWithStartServer({ watchLoop: false });
  assert.equal(run.summary.ok, 4);
  assert.equal(run.loopStalls, undefined);
  assert.equal(run.loopLag, undefined);
  assert.equal(loopWatchFor(run.target.url), undefined);
  assert.doesNotMatch(String(calls('warning')[0].options?.detail), /watched/);
});
