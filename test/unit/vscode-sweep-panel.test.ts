// The sweep panel host (sweepPanel.ts) against a small stand-in 'vscode' webview: the snapshot
// goes out once the page is ready, "open run" shows that run from the store in the results
// panel (a deleted one is said in one line), Cancel reaches the sweep while it is live, and a
// panel restored after a reload rebuilds the sweep from the runs it kept.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { RunRecord } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/store';
import type { HostMessage, SweepMessage, WebviewMessage } from '../../src/shared/protocol';
import type * as SweepPanelModule from '../../src/vscode/sweepPanel';
import { seriesView, sweepMessage, sweepOfRuns } from '../../src/vscode/sweepModel';
import { syntheticRun } from './vscode-records';

class FakePanel {
  disposed = false;
  readonly posted: HostMessage[] = [];
  private readonly listeners: Array<(m: WebviewMessage) => void> = [];
  revealed = 0;
  readonly webview = {
    options: undefined as unknown,
    html: '',
    cspSource: 'https://webview.test',
    asWebviewUri: (u: { fsPath: string }) => ({ toString: () => `https://webview.test${u.fsPath}` }),
    onDidReceiveMessage: (l: (m: WebviewMessage) => void) => {
      this.listeners.push(l);
      return { dispose() {} };
    },
    postMessage: (m: HostMessage) => {
      this.posted.push(structuredClone(m));
      return Promise.resolve(true);
    },
  };
  constructor(readonly title: string) {}
  receive(m: WebviewMessage): void {
    for (const l of this.listeners) l(m);
  }
  reveal(): void {
    this.revealed++;
  }
  onDidDispose() {
    return { dispose() {} };
  }
  dispose(): void {
    this.disposed = true;
  }
}

const created: FakePanel[] = [];
const errors: string[] = [];
let deserialize: ((panel: FakePanel, state: unknown) => Promise<void>) | undefined;
const uri = (fsPath: string) => ({ fsPath, toString: () => fsPath });
const fakeVscode = {
  Uri: { file: uri, joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(path.join(base.fsPath, ...parts)) },
  ViewColumn: { Active: -1 },
  window: {
    registerWebviewPanelSerializer: (
      _type: string,
      s: { deserializeWebviewPanel: (p: FakePanel, state: unknown) => Promise<void> },
    ) => {
      deserialize = s.deserializeWebviewPanel;
      return { dispose() {} };
    },
    createWebviewPanel: (_type: string, title: string) => {
      const p = new FakePanel(title);
      created.push(p);
      return p;
    },
    showErrorMessage: async (m: string) => {
      errors.push(m);
      return undefined;
    },
    showWarningMessage: async (m: string) => {
      errors.push(m);
      return undefined;
    },
  },
};
const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const realLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fakeVscode : realLoad.call(this, request, ...rest);
};
const { SweepPanels } = require('../../src/vscode/sweepPanel') as typeof SweepPanelModule;
loader._load = realLoad;

let dir: string;
let store: RunStore;
const shownRuns: RunRecord[] = [];
const group = 'sweep-panel-test';
const runs = [1, 2, 4].map((c) => ({
  ...syntheticRun({
    id: `p-c${c}`,
    latenciesMs: Array.from({ length: 12 }, () => 100 * c),
    durationS: 1.2,
    concurrency: c,
    url: 'http://127.0.0.1:8000/blocking',
  }),
  group,
}));

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ep-sweep-panel-'));
  store = new RunStore(path.join(dir, 'runs'));
  for (const r of runs) await store.save(r);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const context = { extensionUri: uri('/ext'), subscriptions: [] } as never;
const flush = () => new Promise((r) => setTimeout(r, 20));
/** Waits (up to 5 s) for what the host does after reading the store. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await flush();
}

test('live: the snapshot waits for ready, then each final one goes at once; Cancel reaches the sweep until it ends', async () => {
  const panels = new SweepPanels(context, store, (r) => shownRuns.push(r));
  let cancelled = 0;
  const live = panels.openLive('Sweep GET /blocking', () => cancelled++);
  const panel = created.at(-1)!;
  assert.match(panel.webview.html, /Content-Security-Policy/);
  const final: SweepMessage = sweepMessage('Sweep GET /blocking', false, [
    seriesView('GET /blocking', 'done', sweepOfRuns(runs)),
  ]);
  live.show(final);
  assert.equal(panel.posted.length, 0, 'nothing before the page is ready');
  panel.receive({ type: 'cancel' });
  assert.equal(cancelled, 0, 'a finished sweep has nothing to cancel');
  panel.receive({ type: 'ready' });
  await flush();
  assert.deepEqual(panel.posted, [final]);

  let cancelledLive = 0;
  panels.openLive('another', () => cancelledLive++).show({ ...final, live: true });
  created.at(-1)!.receive({ type: 'cancel' });
  assert.equal(cancelledLive, 1);
});

test('"open run" shows that level\'s run from the store; a deleted one is one line, never a throw', async () => {
  const panels = new SweepPanels(context, store, (r) => shownRuns.push(r));
  panels.showRuns(runs);
  const panel = created.at(-1)!;
  panel.receive({ type: 'openRun', runId: 'p-c4' });
  await until(() => shownRuns.length > 0);
  assert.deepEqual(
    shownRuns.map((r) => r.id),
    ['p-c4'],
  );
  // The same sweep again (its Runs row clicked twice): that panel comes forward, no second tab.
  const before = created.length;
  panels.showRuns([...runs].reverse());
  assert.equal(created.length, before);
  assert.equal(panel.revealed, 1);
  const errorsBefore = errors.length;
  panel.receive({ type: 'openRun', runId: 'gone' });
  await until(() => errors.length > errorsBefore);
  assert.match(errors.at(-1)!, /^Endpoint Profiler: the run gone cannot be opened: it was deleted or moved$/);
});

test('restored after a reload: the sweep is rebuilt from the run ids the webview kept; nothing kept, one line', async () => {
  new SweepPanels(context, store, (r) => shownRuns.push(r));
  const panel = new FakePanel('restored');
  await deserialize!(panel, { kind: 'sweep', runIds: runs.map((r) => r.id) });
  panel.receive({ type: 'ready' });
  await until(() => panel.posted.length > 0);
  const m = panel.posted[0] as SweepMessage;
  assert.equal(m.type, 'sweep');
  assert.deepEqual(
    m.series[0].sweep?.levels.map((l) => l.runId),
    ['p-c1', 'p-c2', 'p-c4'],
  );
  assert.equal(m.headline, sweepOfRuns(runs)!.verdict.text);
  const empty = new FakePanel('empty');
  await deserialize!(empty, undefined);
  empty.receive({ type: 'ready' });
  await until(() => empty.posted.length > 0);
  assert.deepEqual(empty.posted, [
    { type: 'error', message: 'This sweep cannot be restored: open it again from the Runs view.' },
  ]);
});
