// The results panel host (resultsPanel.ts) against a stand-in 'vscode' whose webview panel
// behaves like VS Code's: once disposed, reading `panel.webview`, the title or reveal() throws
// "Webview is disposed". Closing the live panel mid-run is driven through the real caller
// (EndpointProfiler in profileCommand.ts) with a real load run against a 127.0.0.1 server.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { LoadProgress } from '../../src/core/load/engine';
import { encodeHistogram, newHistogram, recordUs, summarizeHistogram } from '../../src/core/load/histogram';
import type { Route, RunRecord } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/store';
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';
import { startDelayServer, type TestServer } from '../fixtures/servers/delay-server';
import type * as ProfileCommandModule from '../../src/vscode/profileCommand';
import type * as ResultsPanelModule from '../../src/vscode/resultsPanel';

// ------------------------------------------------------------------ the stand-in 'vscode'
const disposedError = (): Error => new Error('Webview is disposed');

class FakeWebview {
  options: unknown;
  html = '';
  readonly cspSource = 'https://webview.test';
  readonly posted: HostMessage[] = [];
  /** postMessage calls that reached the webview after its panel was closed (VS Code answers false). */
  postedAfterDispose = 0;
  private readonly listeners: Array<(m: WebviewMessage) => void> = [];
  constructor(private readonly owner: FakePanel) {}
  asWebviewUri(uri: { fsPath: string }) {
    return { toString: () => `https://webview.test${uri.fsPath}` };
  }
  onDidReceiveMessage(listener: (m: WebviewMessage) => void) {
    this.listeners.push(listener);
    return { dispose() {} };
  }
  postMessage(m: HostMessage): Promise<boolean> {
    if (this.owner.disposed) {
      this.postedAfterDispose++;
      return Promise.resolve(false);
    }
    this.posted.push(structuredClone(m));
    return Promise.resolve(true);
  }
  /** What the webview script posts (its 'ready' once loaded). */
  receive(m: WebviewMessage): void {
    for (const l of this.listeners) l(m);
  }
}

class FakePanel {
  disposed = false;
  readonly view: FakeWebview;
  private titleText: string;
  private readonly disposeListeners: Array<() => void> = [];
  constructor(title: string) {
    this.titleText = title;
    this.view = new FakeWebview(this);
  }
  private assertNotDisposed(): void {
    if (this.disposed) throw disposedError();
  }
  get webview(): FakeWebview {
    this.assertNotDisposed();
    return this.view;
  }
  get title(): string {
    this.assertNotDisposed();
    return this.titleText;
  }
  set title(v: string) {
    this.assertNotDisposed();
    this.titleText = v;
  }
  reveal(): void {
    this.assertNotDisposed();
  }
  onDidDispose(listener: () => void) {
    this.disposeListeners.push(listener);
    return { dispose() {} };
  }
  /** The user closing the tab: VS Code fires onDidDispose synchronously, then the panel is gone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.disposeListeners) l();
  }
}

const created: FakePanel[] = [];
const errors: string[] = [];
const infos: Array<{ message: string; answer: (choice: string | undefined) => void; items: string[] }> = [];
const quickPicks: unknown[] = [];
const config = new Map<string, unknown>();

const uri = (fsPath: string) => ({ fsPath, toString: () => fsPath });
const fakeVscode = {
  Uri: { file: uri, joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(path.join(base.fsPath, ...parts)) },
  ViewColumn: { Active: -1 },
  ProgressLocation: { Notification: 15 },
  window: {
    registerWebviewPanelSerializer: () => ({ dispose() {} }),
    createWebviewPanel: (_type: string, title: string) => {
      const p = new FakePanel(title);
      created.push(p);
      setTimeout(() => {
        if (!p.disposed) p.view.receive({ type: 'ready' });
      }, 0); // the script loads a moment later
      return p;
    },
    showErrorMessage: async (m: string) => {
      errors.push(m);
      return undefined;
    },
    showInformationMessage: (message: string, ...items: string[]) =>
      new Promise<string | undefined>((answer) => {
        infos.push({ message, answer, items });
      }),
    showWarningMessage: async () => undefined,
    setStatusBarMessage: () => ({ dispose() {} }), // the probe request before the load
    showQuickPick: async (items: Array<{ action?: string }>) => {
      quickPicks.push(items);
      return items.find((i) => i.action === 'custom');
    },
    showInputBox: async () => '2 1.2s', // the Custom… profile: 2 concurrent for 1.2 s
    showSaveDialog: async () => undefined,
    withProgress: async (
      _o: unknown,
      task: (
        p: { report(v: unknown): void },
        t: { onCancellationRequested(l: () => void): { dispose(): void } },
      ) => Promise<unknown>,
    ) => task({ report() {} }, { onCancellationRequested: () => ({ dispose() {} }) }), // a Disposable, as VS Code returns
  },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: () => ({
      get: (k: string, d: unknown) => (config.has(k) ? config.get(k) : d),
      inspect: () => undefined,
    }),
    asRelativePath: (u: { fsPath: string }) => u.fsPath,
  },
  commands: { executeCommand: async () => undefined },
};
const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const realLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fakeVscode : realLoad.call(this, request, ...rest);
};
const { ResultsPanels } = require('../../src/vscode/resultsPanel') as typeof ResultsPanelModule;
const { EndpointProfiler } = require('../../src/vscode/profileCommand') as typeof ProfileCommandModule;
loader._load = realLoad;

// An exception thrown from a timer would reach VS Code's extension host: collect them so the test says which.
const uncaught: unknown[] = [];
process.on('uncaughtException', (err) => {
  uncaught.push(err);
});

// ------------------------------------------------------------------ fixtures
const dir = mkdtempSync(path.join(tmpdir(), 'ep-results-panel-'));
let srv: TestServer;
before(async () => {
  srv = await startDelayServer();
});
after(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

const context = (): never => {
  const state = new Map<string, unknown>();
  return {
    extensionUri: uri('/ext'),
    subscriptions: [],
    workspaceState: {
      get: (k: string) => state.get(k),
      update: async (k: string, v: unknown) => {
        state.set(k, v);
      },
    },
  } as never;
};
const waitFor = async (what: string, ok: () => boolean, ms = 10_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const runs = (p: FakePanel) =>
  p.view.posted.filter((m): m is Extract<HostMessage, { type: 'run' }> => m.type === 'run');

function record(id: string): RunRecord {
  const h = newHistogram();
  for (const ms of [10, 12, 15, 40]) recordUs(h, ms * 1000);
  return {
    schemaVersion: 1,
    id,
    createdAt: '2026-01-01T00:00:00Z',
    target: { url: 'http://127.0.0.1:1/', method: 'GET', headers: {}, bodyBytes: 0 },
    config: { model: 'closed', concurrency: 1, requests: 4, timeoutS: 10, warmup: 0 },
    environment: { host: 'h', cpus: 1, node: 'v20', tool: 'endpoint-profiler', version: '0' },
    summary: { count: 4, ok: 4, errors: 0, rps: 4, durationS: 1, latencyMs: summarizeHistogram(h) },
    statusCodes: { 200: 4 },
    errorKinds: {},
    timeline: [],
    histogram: encodeHistogram(h),
    status: 'complete',
  };
}

test('closing the live panel mid-run: the run goes on, is saved, "run saved" still fires, nothing throws, and the result can be reopened', async () => {
  created.length = 0;
  const store = new RunStore(path.join(dir, 'runs'));
  const panels = new ResultsPanels(context(), store);
  const saved: RunRecord[] = [];
  const base = new URL(srv.url);
  base.search = '?ms=20';
  config.set('baseUrl', base.toString());
  const profiler = new EndpointProfiler({
    context: context(),
    folder: { uri: uri(dir), name: 'w', index: 0 } as never,
    routes: () => [],
    files: () => [],
    panels,
    store,
    onRunSaved: (run) => {
      saved.push(run);
    },
  });
  const route: Route = {
    framework: 'fastapi',
    methods: ['GET'],
    path: '/',
    file: 'app.py',
    line: 1,
    handler: 'root',
  } as Route;

  const done = profiler.profile(route);
  await waitFor('the live panel to show progress', () => created.length === 1 && runs(created[0]).some((m) => m.live));
  const live = created[0];
  live.dispose(); // the user closes the tab while the load is still running
  const postedAtClose = live.view.posted.length;
  await done;

  assert.deepEqual(uncaught.map(String), [], 'no exception escaped from a timer into the extension host');
  assert.deepEqual(errors, [], 'the user is not told "Webview is disposed"');
  assert.equal(saved.length, 1, 'the caller saved the run and said so');
  assert.equal(saved[0].status, 'complete', 'closing the panel does not cancel the run');
  assert.deepEqual(readdirSync(path.join(dir, 'runs')), [`${saved[0].id}.json`]);
  assert.equal(live.view.posted.length, postedAtClose, 'nothing posted to the closed panel');
  assert.equal(
    live.view.postedAfterDispose,
    0,
    'the pending throttled update was cancelled, not sent to a dead webview',
  );

  // The finished run is offered once; "Open Results" shows the saved record in a new panel.
  assert.equal(infos.length, 1, infos.map((i) => i.message).join('\n'));
  assert.match(infos[0].message, /^Endpoint Profiler: GET \/ finished; the run is saved/);
  infos[0].answer(infos[0].items[0]);
  await waitFor('the reopened panel', () => created.length === 2 && runs(created[1]).length > 0);
  const reopened = runs(created[1]).at(-1)!;
  assert.equal(reopened.live, false);
  assert.equal(reopened.view.run.id, saved[0].id);
  infos.length = 0;

  // Profiling again opens a fresh live panel (the closed one is never reused).
  const again = profiler.profile(route);
  await waitFor('a second live panel', () => created.length === 3 && runs(created[2]).some((m) => m.live));
  await again;
  assert.equal(runs(created[2]).at(-1)?.live, false, 'the second run ends in its own open panel');
  assert.equal(infos.length, 0, 'nothing to offer when the panel stayed open');
  assert.deepEqual(uncaught.map(String), []);
  assert.deepEqual(errors, []);
  panels.dispose();
});

test('every call on a live handle is a no-op once its panel is closed: progress, finish and fail return, nothing throws later', async () => {
  created.length = 0;
  infos.length = 0;
  const panels = new ResultsPanels(context(), new RunStore(path.join(dir, 'unused')));
  let cancelled = 0;
  const handle = panels.openLive('GET /x', () => {
    cancelled++;
  });
  const panel = created[0];
  await new Promise((r) => setTimeout(r, 5)); // 'ready' arrives
  const p = (n: number): LoadProgress => ({ snapshot: record(`r${n}`), elapsedS: n / 10, fraction: n / 10 });
  // Counts how often the host turns a snapshot into a message (it decodes the histogram for that).
  let decoded = 0;
  const counted = (n: number): LoadProgress => {
    const q = p(n);
    const histogram = q.snapshot.histogram;
    Object.defineProperty(q.snapshot, 'histogram', {
      get: () => {
        decoded++;
        return histogram;
      },
    });
    return q;
  };
  handle.progress(p(1)); // shown at once
  handle.progress(counted(2)); // held by the throttle for up to 250 ms
  assert.equal(runs(panel).length, 1);
  panel.dispose();
  handle.progress(counted(3));
  await new Promise((r) => setTimeout(r, 400)); // past the throttle interval
  assert.deepEqual(uncaught.map(String), []);
  assert.equal(runs(panel).length, 1);
  assert.equal(decoded, 0, 'the held update was cancelled with the panel, not built and thrown away');
  assert.equal(panel.view.postedAfterDispose, 0);
  assert.doesNotThrow(() => handle.fail('the server went away'));
  assert.doesNotThrow(() => handle.finish(record('r4')));
  assert.equal(cancelled, 0, 'closing the panel does not cancel the run by itself');
  assert.equal(errors.length, 0);

  // A fresh live run after that gets a new panel and works as before.
  const next = panels.openLive('GET /y', () => undefined);
  assert.equal(created.length, 2);
  await new Promise((r) => setTimeout(r, 5));
  next.progress(p(5));
  next.finish(record('r6'));
  assert.deepEqual(
    runs(created[1]).map((m) => [m.view.run.id, m.live]),
    [
      ['r5', true],
      ['r6', false],
    ],
  );
  panels.dispose();
  assert.ok(created.every((c) => c.disposed));
  assert.deepEqual(uncaught.map(String), []);
});
