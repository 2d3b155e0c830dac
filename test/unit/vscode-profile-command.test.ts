// EndpointProfiler itself, driven through a minimal fake of the VS Code API (fakeVscode-profile.ts):
// the questions it asks, what it remembers, when it refuses, and the run it saves — with the
// real load engine (worker thread) against a real node:http server on 127.0.0.1, a real
// RunStore in a temp dir, and a fake results panel. Every load is a handful of requests.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import type { LoadHandle, LoadOptions, LoadProgress } from '../../src/core/load/engine';
import type { Route, RunRecord } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/store';
import type * as ProfileCommand from '../../src/vscode/profileCommand';
import { answersKey } from '../../src/vscode/profileModel';
import { SERVER_BY_ADDRESS_KEY, serverAddressKey } from '../../src/vscode/serverInfoModel';
import { calls, memento, requireWithFakeVscode, reset, state } from './fakeVscode-profile';
import { freePort } from '../fixtures/servers/ports';
import type * as EngineModule from '../../src/core/load/engine';
import type * as ServerStarterModule from '../../src/vscode/serverStarter';
import type * as LoadSlotModule from '../../src/vscode/loadSlot';

const { EndpointProfiler } = requireWithFakeVscode<typeof ProfileCommand>('../../src/vscode/profileCommand');
const { stopStartedServers, tcpProbe } = requireWithFakeVscode<typeof ServerStarterModule>(
  '../../src/vscode/serverStarter',
);
const { startLoad: realStartLoad } = require('../../src/core/load/engine') as typeof EngineModule;
const { takeLoadSlot, releaseLoadSlot } = requireWithFakeVscode<typeof LoadSlotModule>('../../src/vscode/loadSlot');

// ------------------------------------------------------------------ the server under test
let server: http.Server;
let baseUrl: string;
const hits: string[] = [];
let delayMs = 0;
before(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    setTimeout(() => res.end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// ------------------------------------------------------------------ the profiler's world
class FakePanels {
  readonly opened: string[] = [];
  readonly finished: RunRecord[] = [];
  readonly failed: string[] = [];
  progress = 0;
  revealed = 0;
  throwOnOpen = false;
  cancel: (() => void) | undefined;
  openLive(title: string, onCancel: () => void) {
    this.opened.push(title);
    if (this.throwOnOpen) throw new Error('the webview could not be created');
    this.cancel = onCancel;
    return {
      progress: () => {
        this.progress++;
      },
      finish: (run: RunRecord) => {
        this.finished.push(run);
      },
      fail: (m: string) => {
        this.failed.push(m);
      },
      reveal: () => {
        this.revealed++;
      },
    };
  }
}

let dir: string;
let store: RunStore;
let panels: FakePanels;
let workspaceState: ReturnType<typeof memento>;
let loadsStarted: LoadOptions[];
/** Each started load: whether it was cancelled, and whether its worker has ended. */
let handles: Array<{ cancelled: boolean; ended: boolean }>;
let probes: string[];
let saved: RunRecord[];
let routes: Route[];

beforeEach(() => {
  reset();
  dir = mkdtempSync(path.join(tmpdir(), 'ep-profile-command-'));
  store = new RunStore(path.join(dir, 'runs'));
  panels = new FakePanels();
  workspaceState = memento();
  // "What serves this port?" was answered (skipped) for the test server: the question has its own tests below.
  workspaceState.map.set(SERVER_BY_ADDRESS_KEY, { [serverAddressKey(baseUrl)!]: '' });
  loadsStarted = [];
  handles = [];
  probes = [];
  saved = [];
  hits.length = 0;
  delayMs = 0;
  routes = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const route = (over: Partial<Route> = {}): Route => ({
  framework: 'fastapi',
  methods: ['GET'],
  path: '/ping',
  file: 'main.py',
  line: 10,
  handler: 'ping',
  async: true,
  execution: 'event-loop',
  range: { file: 'main.py', line: 9, column: 1, endLine: 12, endColumn: 1 },
  ...over,
});

/** The profiler with the real engine and probe behind spies that record every start and probe. */
function profiler(over: Partial<ProfileCommand.ProfilerDeps> = {}): InstanceType<typeof EndpointProfiler> {
  return new EndpointProfiler({
    context: { workspaceState, subscriptions: [] } as never,
    folder: { uri: { fsPath: dir, path: dir, scheme: 'file' }, name: 'w', index: 0 } as never,
    routes: () => routes,
    files: () => [],
    panels,
    store,
    onRunSaved: (run) => {
      saved.push(run);
    },
    startLoad: (options: LoadOptions, onProgress?: (p: LoadProgress) => void): LoadHandle => {
      loadsStarted.push(options);
      assert.ok(
        new URL(options.url).hostname === '127.0.0.1',
        `load only ever starts against loopback here, not ${options.url}`,
      );
      const handle = realStartLoad(options, onProgress);
      const seen = { cancelled: false, ended: false };
      handles.push(seen);
      handle.result.then(
        () => {
          seen.ended = true;
        },
        () => {
          seen.ended = true;
        },
      );
      return {
        result: handle.result,
        cancel: () => {
          seen.cancelled = true;
          handle.cancel();
        },
      };
    },
    probe: async (host, port) => {
      probes.push(`${host}:${port}`);
      assert.equal(host, '127.0.0.1', 'only loopback is ever probed here');
      return tcpProbe(host, port);
    },
    ...over,
  });
}

/** Settings as a user who set concurrency and requests (so one Enter runs them). */
function configure(extra: Record<string, unknown> = {}): void {
  state.settings = { baseUrl, concurrency: 2, requests: 5, timeout: 5, ...extra };
}

test('with concurrency and requests set, one profile runs after exactly one quick pick answered with its default, and the run is saved with that count', async () => {
  configure();
  await profiler().profile(route());
  assert.equal(calls('quickPick').length, 1, 'one question: the profile');
  assert.equal(calls('inputBox').length, 0);
  const [pick] = calls('quickPick');
  assert.match(
    (pick.items[0] as { description: string }).description,
    /2 concurrent, 5 requests/,
    'the settings are the first (Enter) item',
  );
  assert.deepEqual(calls('error'), [], 'no error shown');
  assert.equal(loadsStarted.length, 1);
  assert.equal(saved.length, 1);
  const [run] = saved;
  assert.equal(run.status, 'complete');
  assert.equal(run.summary.count, 5);
  assert.equal(run.config.concurrency, 2);
  assert.equal(
    hits.filter((h) => h === 'GET /ping').length,
    1 + 5,
    'the server saw the probe and exactly the requests asked for',
  );
  assert.equal((await store.load(run.id)).summary.count, 5, 'the run is in the store');
  assert.deepEqual(
    panels.finished.map((r) => r.id),
    [run.id],
    'the live panel shows the finished run',
  );
  assert.equal(state.progresses.length, 1, 'a progress notification ran');
});

test('a non-loopback baseUrl asks for confirmation and, declined, starts no load and probes nothing', async () => {
  configure({ baseUrl: 'http://192.0.2.1:8000' }); // TEST-NET-1: never contacted, the refusal comes first
  await profiler().profile(route());
  const [warning] = calls('warning');
  assert.ok(warning, 'a confirmation is asked');
  assert.match(warning.text, /192\.0\.2\.1:8000 is not on this machine/);
  assert.equal(warning.options?.modal, true, 'modal');
  assert.ok(warning.items.includes('Send Load'));
  assert.equal(warning.items[0], "Don't Send", 'the default (first) button is the safe one');
  assert.equal(calls('quickPick').length, 0, 'asked before anything else about the load');
  assert.deepEqual(loadsStarted, [], 'declined: no load starts');
  assert.deepEqual(probes, [], 'declined: not even a TCP probe');
  assert.deepEqual(saved, []);
  assert.deepEqual(panels.opened, []);
});

test('a malformed baseUrl is explained naming the setting, before anything is probed or started', async () => {
  configure({ baseUrl: '127.0.0.1:8000' });
  await profiler().profile(route({ path: '/items/{item_id}' }));
  assert.equal(calls('inputBox').length, 0, 'said before any question is asked');
  const [error] = calls('error');
  assert.match(
    error?.text ?? '',
    /^The endpointProfiler\.baseUrl setting is not a valid URL: “127\.0\.0\.1:8000” \(it needs the scheme/,
  );
  assert.deepEqual(error.items, ['Open Settings']);
  assert.deepEqual(probes, []);
  assert.deepEqual(loadsStarted, []);
});

test('nothing listening: the message offers Start Server… and no load starts', async () => {
  const port = await freePort();
  configure({ baseUrl: `http://127.0.0.1:${port}` });
  await profiler().profile(route());
  assert.deepEqual(probes, [`127.0.0.1:${port}`]);
  const [error] = calls('error');
  assert.ok(error, 'an error says nothing listens');
  assert.match(error.text, new RegExp(`Nothing is listening at http://127\\.0\\.0\\.1:${port}`));
  assert.ok(error.items.includes('Start Server…'), `offers Start Server…: ${JSON.stringify(error.items)}`);
  assert.deepEqual(loadsStarted, []);
  assert.deepEqual(saved, []);
});

test('answers (path parameter, profile) are remembered across an edit that shifts the handler down', async () => {
  state.settings = { baseUrl, timeout: 5 }; // no concurrency/requests of the user's own
  const before = route({ path: '/items/{item_id}', handler: 'read_item' });
  routes = [before];
  state.activeTextEditor = {
    document: { uri: { fsPath: 'main.py', path: 'main.py' } },
    selection: { active: { line: before.line } },
  };
  state.answer = (call) => {
    if (call.kind === 'inputBox' && /item_id/.test(call.text)) return '42';
    if (call.kind === 'inputBox' && /Custom/.test(call.text)) return '2 3';
    if (call.kind === 'quickPick') return call.items.find((i) => (i as { label: string }).label === 'Custom…');
    return undefined;
  };
  const p = profiler();
  await p.profile();
  assert.equal(saved.length, 1, 'the first run ran');
  assert.equal(saved[0].summary.count, 3);
  assert.equal(calls('inputBox').length, 2, 'first time: the parameter and the custom profile');

  // Four lines inserted above the handler: discovery now puts it (and its range) four lines down.
  const after = route({
    path: '/items/{item_id}',
    handler: 'read_item',
    line: before.line + 4,
    range: { ...before.range!, line: before.range!.line + 4, endLine: before.range!.endLine + 4 },
  });
  routes = [after];
  state.activeTextEditor = {
    document: { uri: { fsPath: 'main.py', path: 'main.py' } },
    selection: { active: { line: after.line } },
  };
  state.calls = [];
  state.answer = (call) => (call.kind === 'quickPick' ? call.items[0] : undefined);
  await p.profile();
  assert.equal(calls('inputBox').length, 0, 'the parameter is not asked again');
  const [pick] = calls('quickPick');
  assert.equal((pick.items[0] as { label: string }).label, 'Last used: Custom', 'the custom profile is offered first');
  assert.equal(saved.length, 2);
  assert.equal(saved[1].summary.count, 3, 'and Enter runs it again');
  assert.equal(saved[1].target.url, `${baseUrl}/items/42`, 'with the remembered parameter');
  assert.equal(hits.filter((h) => h === 'GET /items/42').length, 2 + 6, 'two probes, 3 + 3 requests');
});

/** Polls (every 10 ms, up to 5 s) until `done()`. */
async function until(done: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a second Profile while one runs starts nothing, says so, and can show or cancel the running one', async () => {
  configure({ concurrency: 1, requests: 40 });
  delayMs = 50; // ~2 s if left alone; cancelled well before
  const p = profiler();
  const first = p.profile(route());
  await until(() => state.progresses.length === 1, 'the first run to start');

  state.calls = [];
  await p.profile(route({ path: '/other', handler: 'other' }));
  const [warning] = calls('warning');
  assert.ok(warning, 'the second invocation says a run is going on');
  assert.match(warning.text, /already profiling GET \/ping \(1 concurrent, 40 requests\)/);
  assert.deepEqual(warning.items, ['Cancel Running Profile', 'Show It']);
  assert.equal(calls('quickPick').length, 0, 'and asks nothing about a new run');
  assert.equal(loadsStarted.length, 1, 'no second load started');

  state.answer = (call) => (call.kind === 'warning' ? 'Show It' : undefined);
  await p.profile(route());
  assert.equal(panels.revealed, 1, 'Show It brings the live panel forward');
  assert.equal(loadsStarted.length, 1);

  state.answer = (call) => (call.kind === 'warning' ? 'Cancel Running Profile' : undefined);
  await p.profile(route());
  await first;
  assert.equal(loadsStarted.length, 1);
  assert.equal(saved.length, 1);
  assert.equal(saved[0].status, 'cancelled', 'Cancel stopped the running one');
  assert.ok(saved[0].summary.count < 40, `stopped early (${saved[0].summary.count} requests)`);

  // Once it has ended, profiling works again.
  delayMs = 0;
  state.answer = (call) => (call.kind === 'quickPick' ? call.items[0] : undefined);
  await p.profile(route());
  assert.equal(loadsStarted.length, 2);
  assert.equal(saved[1]?.status, 'complete');
});

test('two invocations answering their questions at the same time still start only one load', async () => {
  configure({ concurrency: 1, requests: 4 });
  delayMs = 20;
  const p = profiler();
  await Promise.all([p.profile(route()), p.profile(route({ path: '/other', handler: 'other' }))]);
  assert.equal(loadsStarted.length, 1, 'one of them started');
  assert.equal(saved.length, 1);
  assert.match(calls('warning')[0]?.text ?? '', /already profiling/, 'the other said why it did not');
});

test('Cancel on the notification stops the run, and its cancellation listener is released once the run ends', async () => {
  configure({ concurrency: 1, requests: 40 });
  delayMs = 50;
  const p = profiler();
  const run = p.profile(route());
  await until(() => state.progresses.length === 1, 'the run to start');
  const [notification] = state.progresses;
  assert.equal(notification.listening, 1, 'Cancel is wired to the load while it runs');
  notification.cancel();
  await run;
  assert.equal(saved[0]?.status, 'cancelled');
  assert.equal(notification.listening, 0, 'the onCancellationRequested listener is disposed after the run');
});

test('dispose() (deactivation) cancels the running load, so its worker stops, and later invocations do nothing', async () => {
  configure({ concurrency: 1, requests: 40 });
  delayMs = 50;
  const p = profiler();
  const run = p.profile(route());
  await until(() => state.progresses.length === 1, 'the run to start');
  p.dispose();
  await run;
  assert.deepEqual(handles, [{ cancelled: true, ended: true }], 'cancelled, and the worker has ended');
  const kept = (await store.list()).map((e) => e.record?.status);
  assert.deepEqual(kept, ['cancelled'], 'what it measured is kept in the store');
  assert.ok(hits.length < 40, `stopped early (${hits.length} requests)`);
  state.calls = [];
  await p.profile(route());
  assert.deepEqual(state.calls, [], 'after dispose nothing is asked');
  assert.equal(loadsStarted.length, 1);
});

test('if the live panel cannot be opened after the load started, the load is cancelled and the error shown', async () => {
  configure({ concurrency: 1, requests: 40 });
  delayMs = 50;
  panels.throwOnOpen = true;
  const p = profiler();
  await p.profile(route());
  assert.equal(loadsStarted.length, 1);
  assert.deepEqual(
    handles,
    [{ cancelled: true, ended: true }],
    'the load was cancelled and its worker ended before profile() returned',
  );
  assert.match(calls('error')[0]?.text ?? '', /the webview could not be created/);
  assert.deepEqual(saved, [], 'nothing saved');
  assert.ok(hits.length < 40, `stopped early (${hits.length} requests)`);
  // And it does not count as running any more.
  panels.throwOnOpen = false;
  delayMs = 0;
  configure({ concurrency: 1, requests: 2 });
  await p.profile(route());
  assert.equal(saved.length, 1);
});

test('the run records the configured server command with its workers', async () => {
  configure({ serverCommand: 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app' });
  await profiler().profile(route());
  assert.deepEqual(saved[0]?.server, {
    command: 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app',
    workers: 4,
  });
  assert.deepEqual((await store.load(saved[0].id)).server, saved[0].server, 'and it is in the saved file');
});

test('a server started by Start Server… this session is what the run records; nothing is recorded without one', async () => {
  configure();
  await profiler().profile(route());
  assert.equal(saved[0]?.server, undefined, 'no server command known');

  // Nothing listens; the user chooses Start Server…, types a command (a stand-in named uvicorn
  // that serves on PORT); Start Server starts it and the run waits for it to accept connections.
  const port = await freePort();
  const uvicorn = path.join(dir, 'uvicorn');
  writeFileSync(
    uvicorn,
    `#!${process.execPath}\nrequire('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST);\n`,
  );
  chmodSync(uvicorn, 0o755);
  const command = `${uvicorn} main:app --port {port} --workers 2`;
  state.settings.baseUrl = `http://127.0.0.1:${port}`;
  state.answer = (call) => {
    if (call.kind === 'error' && call.items.includes('Start Server…')) return 'Start Server…';
    if (call.kind === 'quickPick' && /Start the server/.test(call.text))
      return call.items.find((i) => (i as { label: string }).label === 'Enter a command…');
    if (call.kind === 'inputBox' && /Command that starts the server/.test(call.text)) return command;
    return call.kind === 'quickPick' ? call.items[0] : undefined;
  };
  await profiler().profile(route());
  assert.equal(
    saved.length,
    2,
    `the run ran once the server listened: ${JSON.stringify(calls('error').map((c) => c.text))}`,
  );
  assert.deepEqual(saved[1].server, { command, workers: 2 });
  assert.equal(saved[1].summary.count, 5);

  // It wins over serverCommand (it is what runs there), until it is stopped.
  state.settings.serverCommand = 'hypercorn main:app';
  await profiler().profile(route());
  assert.equal(saved[2].server?.command, command);
  await stopStartedServers();
  state.settings.baseUrl = baseUrl;
  await profiler().profile(route());
  assert.deepEqual(saved[3].server, { command: 'hypercorn main:app', workers: 1 });
});

test('answers saved under the old line-based key are used once and moved to the handler key', async () => {
  configure();
  const r = route({ path: '/items/{item_id}', handler: 'read_item' });
  await workspaceState.update(`endpointProfiler.route:${r.file}:${r.line}:${r.path}`, {
    method: 'GET',
    params: { item_id: '7' },
  });
  await profiler().profile(r);
  assert.equal(calls('inputBox').length, 0, 'the old answer is used');
  assert.equal(saved[0]?.target.url, `${baseUrl}/items/7`);
  assert.deepEqual(
    workspaceState.keys().filter((k) => k !== SERVER_BY_ADDRESS_KEY),
    ['endpointProfiler.answers:main.py:read_item:GET:/items/{item_id}'],
  );
});

test("a POST route's body prompt is pre-filled with its request-body template; what the user sends is remembered and sent next time", async () => {
  configure();
  const template = '{"name":"string","price":1.5,"tags":[]}';
  const r = route({ methods: ['POST'], path: '/items', handler: 'create_item', bodyTemplate: template });
  await profiler().profile(r);
  const [box] = calls('inputBox');
  assert.match(box?.text ?? '', /^Request body for POST \/items/);
  assert.equal(box.options?.value, template, 'the input box was offered the template');
  assert.equal(loadsStarted[0]?.body, template, 'Enter sends it');
  assert.equal(loadsStarted[0]?.headers?.['content-type'], 'application/json');
  assert.equal(hits.filter((h) => h === 'POST /items').length, 1 + 5, 'the probe and the run');

  // A new answer: the user edits the body; that is what is sent and remembered, not the template.
  await workspaceState.update(answersKey(r), undefined);
  state.calls = [];
  const typed = '{"name":"chair","price":30}';
  state.answer = (call) => (call.kind === 'inputBox' ? typed : call.kind === 'quickPick' ? call.items[0] : undefined);
  await profiler().profile(r);
  assert.equal(calls('inputBox')[0]?.options?.value, template);
  assert.equal(loadsStarted[1]?.body, typed);
  state.calls = [];
  state.answer = (call) => (call.kind === 'quickPick' ? call.items[0] : undefined);
  await profiler().profile({ ...r, bodyTemplate: '{"name":"string"}' });
  assert.equal(calls('inputBox').length, 0, 'the body is not asked again');
  assert.equal(loadsStarted[2]?.body, typed, 'the remembered body is sent, even after the template changed');

  // Without a template the prompt starts from {} as before.
  state.calls = [];
  await profiler().profile(route({ methods: ['PUT'], path: '/plain', handler: 'plain' }));
  assert.equal(calls('inputBox')[0]?.options?.value, '{}');
});

// ------------------------------------------------------------------ estimates, limits, Profile URL…, labels

test('one probe request before the picker: each profile shows its estimate; over 60 s is confirmed with the safe button first, and "Pick Another Profile" goes back', async () => {
  configure({ concurrency: 1, requests: 500 });
  delayMs = 200; // 500 one at a time at ~0.2 s ≈ 100 s
  let picks = 0;
  state.answer = (call) => {
    if (call.kind === 'quickPick') {
      picks++;
      const items = call.items as Array<{ label: string }>;
      return picks === 1 ? items[0] : items.find((i) => i.label === 'Seed check');
    }
    if (call.kind === 'warning') return 'Pick Another Profile';
    return undefined;
  };
  await profiler().profile(route());
  const [first] = calls('quickPick');
  const items = first.items as Array<{ label: string; detail?: string }>;
  // ~0.2 s per request (more on a busy machine): 500 of them one at a time is a minute or two.
  assert.match(items[0].detail ?? '', /^≈ [12] min( \d+ s)? at ~[23]\d\d ms per request$/, items[0].detail);
  const seed = items.find((i) => i.label === 'Seed check');
  assert.match(
    seed?.detail ?? '',
    /^≈ 0\.[23] s – [23](\.\d)? s \(the longer if requests queue\) at ~[23]\d\d ms per request$/,
    seed?.detail,
  );
  assert.match(String(first.options?.placeHolder), /probe: 200 in [23]\d\d ms/);
  const [confirm] = calls('warning');
  assert.ok(confirm, 'the 500-request profile is confirmed');
  assert.match(confirm.text, /From settings \(1 concurrent, 500 requests\) may take ≈ [12] min/);
  assert.equal(confirm.options?.modal, true);
  assert.deepEqual(confirm.items, ['Pick Another Profile', 'Run Anyway']);
  assert.equal(calls('quickPick').length, 2, 'back to the picker');
  assert.equal(loadsStarted.length, 1);
  assert.equal(loadsStarted[0].requests, 10, 'the seed check ran, not the 500');
  assert.equal(hits.length, 1 + 10, 'one probe, then the run');
  assert.match(state.statusBar[0] ?? '', /one probe request to http:\/\/127\.0\.0\.1:\d+\/ping/);
});

test('settings outside their bounds are refused naming the setting, before anything is sent', async () => {
  configure({ concurrency: 20000, requests: 100_000_000 });
  await profiler().profile(route());
  const [error] = calls('error');
  assert.match(error?.text ?? '', /endpointProfiler\.concurrency must be an integer from 1 to 10,000, got 20000/);
  assert.deepEqual(hits, []);
  assert.deepEqual(loadsStarted, []);
});

test('Profile URL…: any URL (with its method), the same probe, profiles and run; remembered for next time', async () => {
  configure();
  state.answer = (call) => {
    if (call.kind === 'inputBox' && /^Profile URL/.test(call.text)) return `${baseUrl}/anything?q=1`;
    if (call.kind === 'quickPick') return call.items[0];
    return undefined;
  };
  await profiler().profileUrl();
  assert.equal(loadsStarted.length, 1);
  assert.equal(loadsStarted[0].url, `${baseUrl}/anything?q=1`);
  assert.equal(loadsStarted[0].label, `GET ${baseUrl}/anything?q=1`);
  assert.equal(loadsStarted[0].route, undefined, 'no route behind a URL');
  assert.equal(hits.filter((h) => h === 'GET /anything?q=1').length, 1 + 5);
  state.calls = [];
  state.answer = (call) =>
    call.kind === 'inputBox' ? call.options?.value : call.kind === 'quickPick' ? call.items[0] : undefined;
  await profiler().profileUrl();
  assert.equal(calls('inputBox')[0]?.options?.value, `${baseUrl}/anything?q=1`, 'the last URL is offered');
  assert.equal(loadsStarted.length, 2);
});

test('Profile URL… to another host: the modal defaults to not sending; declined, nothing is sent', async () => {
  configure();
  state.answer = (call) => {
    if (call.kind === 'inputBox') return 'POST http://192.0.2.1:8000/items';
    if (call.kind === 'warning') return undefined; // Escape, or Enter on the default "Don't Send"
    return undefined;
  };
  await profiler().profileUrl();
  const [warning] = calls('warning');
  assert.match(warning?.text ?? '', /192\.0\.2\.1:8000 is not on this machine/);
  assert.equal(warning.items[0], "Don't Send");
  assert.deepEqual(probes, []);
  assert.deepEqual(loadsStarted, []);
  assert.deepEqual(hits, []);
});

test('"Label this run…" names the run and is remembered for the route', async () => {
  configure();
  let labelled = false;
  state.answer = (call) => {
    if (call.kind === 'quickPick') {
      const items = call.items as Array<{ label: string }>;
      if (!labelled) {
        labelled = true;
        return items.find((i) => i.label === 'Label this run…');
      }
      return items[0];
    }
    if (call.kind === 'inputBox' && /^Label runs of GET \/ping/.test(call.text)) return 'before the fix';
    return undefined;
  };
  await profiler().profile(route());
  assert.equal(saved[0]?.label, 'before the fix');
  state.answer = (call) => (call.kind === 'quickPick' ? call.items[0] : undefined);
  await profiler().profile(route());
  assert.equal(saved[1]?.label, 'before the fix', 'remembered for the route');
});

test('a run answered only with 404s says so in its notification, not a p50', async () => {
  configure();
  const notFound = http.createServer((_req, res) => {
    res.statusCode = 404;
    setTimeout(() => res.end('no'), 30);
  });
  await new Promise<void>((r) => notFound.listen(0, '127.0.0.1', r));
  try {
    state.settings.baseUrl = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}`;
    await profiler().profile(route());
    const [notification] = state.progresses;
    const last = notification.reports.at(-1)?.message ?? '';
    assert.match(last, /requests · no expected response: \d+ × 404$/, last);
    assert.match(String(calls('quickPick')[0]?.options?.placeHolder), /probe: 404 in \d+ ms — not an expected status/);
  } finally {
    notFound.closeAllConnections();
    await new Promise((r) => notFound.close(r));
  }
});

test('a server started outside the extension: the first run asks once what serves the port; runs record the answer; it can be changed or skipped from the picker', async () => {
  configure();
  workspaceState.map.delete(SERVER_BY_ADDRESS_KEY); // nobody has been asked yet
  const port = new URL(baseUrl).port;
  const serverQuestions = () => calls('inputBox').filter((c) => /What serves/.test(c.text));
  let answer: string | undefined = 'gunicorn -w 3 -k uvicorn.workers.UvicornWorker main:app';
  state.answer = (call) => {
    if (call.kind === 'inputBox' && /What serves/.test(call.text)) return answer;
    if (call.kind === 'inputBox' && /^Profile URL/.test(call.text)) return `${baseUrl}/other`;
    return call.kind === 'quickPick' ? call.items[0] : undefined;
  };
  await profiler().profile(route());
  assert.equal(serverQuestions().length, 1, 'asked on the first run');
  assert.match(serverQuestions()[0].text, new RegExp(`^What serves port ${port}\\?`));
  assert.deepEqual(saved[0]?.server, {
    command: 'gunicorn -w 3 -k uvicorn.workers.UvicornWorker main:app',
    workers: 3,
  });
  assert.deepEqual((await store.load(saved[0].id)).server, saved[0].server, 'and it is in the saved file');

  // Another route (here a URL) on the same port: not asked again, same server recorded.
  await profiler().profileUrl();
  assert.equal(serverQuestions().length, 1, 'asked once per port');
  assert.equal(saved[1]?.server?.command, 'gunicorn -w 3 -k uvicorn.workers.UvicornWorker main:app');

  // The picker now offers to change it; the user clears it (skip): the next run records no server and asks nothing.
  state.calls = [];
  answer = '';
  let changed = false;
  state.answer = (call) => {
    if (call.kind === 'inputBox' && /What serves/.test(call.text)) return answer;
    if (call.kind !== 'quickPick') return undefined;
    const item = call.items.find((i) => /^What serves port/.test((i as { label: string }).label));
    if (!changed && item) {
      changed = true;
      return item;
    }
    return call.items[0];
  };
  await profiler().profile(route());
  const offered = calls('quickPick')[0].items.find((i) => /^What serves port/.test((i as { label: string }).label));
  assert.match(String((offered as { description?: string }).description), /now “gunicorn -w 3 .*main:app”/);
  assert.equal(serverQuestions()[0]?.options?.value, 'gunicorn -w 3 -k uvicorn.workers.UvicornWorker main:app');
  assert.equal(saved[2]?.server, undefined, 'skipped: no server recorded');
  state.calls = [];
  await profiler().profile(route());
  assert.equal(serverQuestions().length, 0, 'a skipped port is not asked again');
  assert.equal(saved.length, 4);
});

test('the server question: Escape backs out of the run (nothing sent, nothing remembered); serverCommand means no question', async () => {
  configure();
  workspaceState.map.delete(SERVER_BY_ADDRESS_KEY);
  state.answer = (call) => (call.kind === 'quickPick' ? call.items[0] : undefined);
  await profiler().profile(route());
  assert.equal(calls('inputBox').filter((c) => /What serves/.test(c.text)).length, 1);
  assert.deepEqual(loadsStarted, [], 'no load after Escape');
  assert.equal(workspaceState.get(SERVER_BY_ADDRESS_KEY), undefined, 'nothing remembered');

  state.calls = [];
  state.settings.serverCommand = 'uvicorn main:app --workers 2';
  await profiler().profile(route());
  assert.equal(calls('inputBox').length, 0, 'the setting says what serves it');
  assert.deepEqual(saved[0]?.server, { command: 'uvicorn main:app --workers 2', workers: 2 });
});

test('while a sweep runs a load, Profile starts nothing and says so; a finished profile frees the slot for a sweep', async () => {
  configure();
  const sweep = { what: 'sweeping GET /blocking', cancel: () => undefined };
  assert.ok(takeLoadSlot(sweep));
  try {
    await profiler().profile(route());
    assert.equal(loadsStarted.length, 0);
    assert.ok(calls('warning').some((c) => c.text.startsWith('Endpoint Profiler is already sweeping GET /blocking')));
  } finally {
    releaseLoadSlot(sweep);
  }
  await profiler().profile(route());
  assert.equal(saved.length, 1);
  const next = { what: 'sweeping again', cancel: () => undefined };
  assert.ok(takeLoadSlot(next), 'the profile released the slot when its run ended');
  releaseLoadSlot(next);
});
