// The thin VS Code layer of both views, loaded with a minimal stand-in for the 'vscode' module:
// the command ids and item contextValues they use are checked against package.json's real
// contributions (menus must match the items), and commands run through their registrations
// against a real RunStore and the real discovery.
import assert from 'node:assert/strict';
import { EventEmitter as NodeEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import type { RunRecord } from '../../src/core/model';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { RunStore } from '../../src/core/runs/store';
import type * as RoutesViewModule from '../../src/vscode/routesView';
import type * as RunsViewModule from '../../src/vscode/runsView';
import { encodeHistogram, newHistogram, recordUs } from '../../src/core/load/histogram';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
  contributes: {
    commands: Array<{ command: string }>;
    views: Record<string, Array<{ id: string }>>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
};

// ------------------------------------------------------------------ the stand-in 'vscode'
const commands = new Map<string, (...args: unknown[]) => unknown>();
const contextKeys = new Map<string, unknown>();
const views = new Map<
  string,
  {
    provider: {
      getChildren(n?: unknown): unknown[];
      getTreeItem(n: unknown): { contextValue?: string; label?: unknown; description?: unknown };
    };
    view: { selection: unknown[]; description?: string; message?: string };
  }
>();
const answers: { input?: string; warning?: string } = {};
const shown: string[] = [];

class EventEmitter<T> {
  private readonly e = new NodeEmitter();
  event = (listener: (v: T) => void) => {
    this.e.on('x', listener);
    return { dispose: () => this.e.off('x', listener) };
  };
  fire(v?: T) {
    this.e.emit('x', v);
  }
  dispose() {
    this.e.removeAllListeners();
  }
}
class TreeItem {
  constructor(
    public label: unknown,
    public collapsibleState?: number,
  ) {}
}
const fakeVscode = {
  EventEmitter,
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    static File = {};
    constructor(
      public id: string,
      public color?: unknown,
    ) {}
  },
  ThemeColor: class {
    constructor(public id: string) {}
  },
  MarkdownString: class {
    constructor(public value: string) {}
  },
  Uri: { file: (fsPath: string) => ({ fsPath }) },
  Position: class {
    constructor(
      public line: number,
      public character: number,
    ) {}
  },
  Range: class {
    constructor(
      public start: unknown,
      public end: unknown,
    ) {}
  },
  window: {
    createTreeView: (id: string, o: { treeDataProvider: never }) => {
      const view = { selection: [] as unknown[], dispose() {} };
      views.set(id, { provider: o.treeDataProvider, view });
      return view;
    },
    showInputBox: async () => answers.input,
    showWarningMessage: async (m: string) => {
      shown.push(m);
      return answers.warning;
    },
    showInformationMessage: async (m: string) => {
      shown.push(m);
    },
    showErrorMessage: async (m: string) => {
      shown.push(m);
    },
  },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
      commands.set(id, fn);
      return { dispose: () => commands.delete(id) };
    },
    executeCommand: async (id: string, key: string, value: unknown) => {
      if (id === 'setContext') contextKeys.set(key, value);
    },
  },
  workspace: { workspaceFolders: undefined },
};
const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const realLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fakeVscode : realLoad.call(this, request, ...rest);
};
const { registerRunsView } = require('../../src/vscode/runsView') as typeof RunsViewModule;
const { registerRoutesView, isRouteItem } = require('../../src/vscode/routesView') as typeof RoutesViewModule;
loader._load = realLoad;

// ------------------------------------------------------------------ fixtures
const dir = mkdtempSync(path.join(tmpdir(), 'ep-runs-wiring-'));
const subscriptions: Array<{ dispose(): unknown }> = [];
after(() => {
  for (const d of subscriptions) d.dispose(); // as VS Code does on deactivation: timers stop
  rmSync(dir, { recursive: true, force: true });
});
const state = new Map<string, unknown>();
const context = {
  subscriptions,
  workspaceState: {
    get: (k: string) => state.get(k),
    update: async (k: string, v: unknown) => {
      state.set(k, v);
    },
  },
} as never;

function record(id: string, createdAt: string, p50: number): RunRecord {
  return {
    schemaVersion: 1,
    id,
    createdAt,
    target: { url: `http://127.0.0.1:8000/r/${id}`, method: 'GET', headers: {}, bodyBytes: 0 },
    config: { model: 'closed', concurrency: 4, requests: 100, timeoutS: 10, warmup: 0 },
    environment: { host: 'h', cpus: 2, node: process.version, tool: 'endpoint-profiler', version: '0' },
    summary: {
      count: 100,
      ok: 100,
      errors: 0,
      rps: 400,
      durationS: 0.25,
      latencyMs: {
        min: p50 / 2,
        mean: p50,
        stdev: 1,
        p50,
        p75: p50,
        p90: p50,
        p95: p50,
        p99: p50 * 2,
        p999: p50 * 2,
        max: p50 * 3,
      },
    },
    statusCodes: { 200: 100 },
    errorKinds: {},
    timeline: [],
    histogram: histogramOf(p50),
    status: 'complete',
  };
}

/** A real encoded histogram: run files with one that does not decode are refused as broken. */
function histogramOf(p50: number): string {
  const h = newHistogram();
  for (let i = 0; i < 100; i++) recordUs(h, p50 * 1000);
  return encodeHistogram(h);
}

/** Evaluates the simple `when` clauses package.json uses for tree items. */
function menuShows(when: string, view: string, viewItem: string, multi = false): boolean {
  return when
    .split('&&')
    .map((s) => s.trim())
    .every((c) => {
      let m = /^view == (\S+)$/.exec(c);
      if (m) return m[1] === view;
      m = /^viewItem == (\S+)$/.exec(c);
      if (m) return m[1] === viewItem;
      m = /^viewItem =~ \/(.+)\/$/.exec(c);
      if (m) return new RegExp(m[1]).test(viewItem);
      if (c === 'listMultiSelection') return multi;
      throw new Error(`when clause not understood: ${c}`);
    });
}
const itemMenu = (view: string, viewItem: string) =>
  pkg.contributes.menus['view/item/context']
    .filter((m) => menuShows(m.when ?? '', view, viewItem))
    .map((m) => m.command.replace('endpointProfiler.', ''))
    .sort();

const store = new RunStore(path.join(dir, 'runs'));
let runsView: ReturnType<typeof registerRunsView>;

test('every command the views register is declared in package.json, and every declared view command is registered', async () => {
  runsView = registerRunsView(context, store, { showRun: () => undefined, showComparison: () => undefined });
  const index = new ProjectIndex(
    path.resolve(__dirname, '../fixtures/analysis/fastapi-app'),
    nodeFileSystem,
    await Parsers.load(nodeWasmLoader),
  );
  const changed = new EventEmitter<void>();
  registerRoutesView(context, {
    routes: () => index.routes(),
    findings: () => index.findings(),
    root: index.root,
    onDidChange: changed.event,
    refresh: () => index.refresh(),
  });
  // Loading states: until the first scan / listing ends the welcome must not say "none found".
  assert.equal(contextKeys.get('endpointProfiler.routesScanned'), undefined, 'not scanned yet');
  changed.fire();
  assert.equal(contextKeys.get('endpointProfiler.routesScanned'), true, 'the first scan ended');
  await commands.get('endpointProfiler.refreshRuns')?.();
  assert.equal(contextKeys.get('endpointProfiler.runsLoaded'), true, 'the runs were listed');
  const welcome = (
    pkg.contributes as unknown as { viewsWelcome: Array<{ view: string; contents: string; when?: string }> }
  ).viewsWelcome;
  const says = (view: string, when: string) => welcome.find((w) => w.view === view && w.when === when)?.contents ?? '';
  assert.match(says('endpointProfiler.routes', '!endpointProfiler.routesScanned'), /^Reading the workspace/);
  assert.match(says('endpointProfiler.routes', 'endpointProfiler.routesScanned'), /^No route handlers found yet/);
  assert.match(says('endpointProfiler.runs', '!endpointProfiler.runsLoaded'), /^Loading runs/);
  assert.match(says('endpointProfiler.runs', 'endpointProfiler.runsLoaded'), /^No runs yet/);
  const declared = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const id of commands.keys()) assert.ok(declared.has(id), `${id} is declared`);
  const declaredViewIds = pkg.contributes.views.endpointProfiler.map((v) => v.id);
  assert.deepEqual([...views.keys()].sort(), [...declaredViewIds].sort());
  // Profile URL… sits in the Runs view's title but is the profiler's command, registered by extension.ts.
  const extensionSource = readFileSync(path.join(__dirname, '../../src/extension.ts'), 'utf8');
  const byExtension = (id: string): boolean => extensionSource.includes(`registerCommand('${id}'`);
  for (const m of pkg.contributes.menus['view/title'])
    assert.ok(commands.has(m.command) || byExtension(m.command), `${m.command} (view title) is registered`);
  assert.ok(
    pkg.contributes.menus['view/title'].some(
      (m) => m.command === 'endpointProfiler.profileUrl' && m.when === 'view == endpointProfiler.runs',
    ),
    'Profile URL… is in the Runs view title',
  );
  const lead = new Set(['endpointProfiler.profileEndpoint']);
  // The sweep commands (Sweep Endpoint, Compare Server Configurations, Open Sweep) are registered by sweepWiring.ts.
  const sweepSource = readFileSync(path.join(__dirname, '../../src/vscode/sweepWiring.ts'), 'utf8');
  const bySweeps = (id: string): boolean =>
    sweepSource.includes(`registerCommand('${id}'`) ||
    (id === 'endpointProfiler.openSweep' && sweepSource.includes('registerCommand(OPEN_SWEEP_COMMAND'));
  for (const m of pkg.contributes.menus['view/item/context'])
    assert.ok(
      lead.has(m.command) || commands.has(m.command) || bySweeps(m.command),
      `${m.command} (item menu) is registered`,
    );
});

test('run items carry the contextValues the menus expect: pin on runs, unpin on the baseline, delete on broken files', async () => {
  for (const [id, at, p50] of [
    ['older', '2026-01-01T00:00:00Z', 30],
    ['newer', '2026-01-02T00:00:00Z', 10],
    ['third', '2026-01-03T00:00:00Z', 20],
  ] as const)
    await store.save(record(id, at, p50));
  writeFileSync(path.join(dir, 'runs', 'zz-broken.json'), '{"schemaVersion": 1}');
  await commands.get('endpointProfiler.refreshRuns')?.();
  const { provider } = views.get('endpointProfiler.runs')!;
  const nodes = provider.getChildren() as Array<{ id: string }>;
  assert.deepEqual(
    nodes.map((n) => n.id),
    ['third', 'newer', 'older', 'zz-broken'],
  );
  await commands.get('endpointProfiler.pinBaseline')?.(nodes[2], [nodes[2]]);
  assert.equal(runsView.baseline(), 'older');
  const items = (provider.getChildren() as Array<{ id: string }>).map((n) => provider.getTreeItem(n));
  const menus = items.map((i) => itemMenu('endpointProfiler.runs', i.contextValue ?? ''));
  assert.ok(menus[0].includes('pinBaseline') && !menus[0].includes('unpinBaseline'));
  assert.ok(menus[2].includes('unpinBaseline') && !menus[2].includes('pinBaseline'));
  assert.ok(menus.every((m) => m.includes('deleteRun')));
  assert.ok(
    menus.slice(0, 3).every((m) => m.includes('openRun') && m.includes('compareRuns') === false),
    'compare only shows with a multi-selection',
  );
  assert.equal(state.get('endpointProfiler.baselineRunId'), 'older', 'the baseline is kept in workspace state');

  const routes = views.get('endpointProfiler.routes')!.provider;
  await commands.get('endpointProfiler.refreshRoutes')?.();
  const file = routes.getChildren()[0];
  const route = routes.getChildren(file)[0];
  const item = routes.getTreeItem(route);
  assert.ok(itemMenu('endpointProfiler.routes', item.contextValue ?? '').includes('profileEndpoint'));
  assert.ok(isRouteItem(route) && isRouteItem(item), 'Profile Endpoint gets the route from the menu argument');
});

test('filterRoutes narrows the tree, sets the context key the title menu uses, clearRoutesFilter restores it', async () => {
  const { provider, view } = views.get('endpointProfiler.routes')!;
  const all = provider.getChildren().flatMap((f) => provider.getChildren(f)).length;
  assert.ok(all > 2);
  answers.input = 'sleepy';
  await commands.get('endpointProfiler.filterRoutes')?.();
  const labels = provider
    .getChildren()
    .flatMap((f) => provider.getChildren(f))
    .map((n) => provider.getTreeItem(n).label);
  assert.deepEqual(labels, ['/sleepy']);
  assert.equal(contextKeys.get('endpointProfiler.routesFiltered'), true);
  const clearWhen =
    pkg.contributes.menus['view/title'].find((m) => m.command === 'endpointProfiler.clearRoutesFilter')?.when ?? '';
  assert.ok(
    clearWhen
      .split('&&')
      .map((c) => c.trim())
      .includes('endpointProfiler.routesFiltered'),
    'the title menu shows Clear only under the key set here',
  );
  assert.match(view.description ?? '', /sleepy/);
  await commands.get('endpointProfiler.clearRoutesFilter')?.();
  assert.equal(contextKeys.get('endpointProfiler.routesFiltered'), false);
  assert.equal(provider.getChildren().flatMap((f) => provider.getChildren(f)).length, all);
  assert.equal(view.description, undefined);
});

test('deleteRun from an item menu with a multi-selection removes exactly those files after one modal confirmation', async () => {
  const { provider } = views.get('endpointProfiler.runs')!;
  const nodes = provider.getChildren() as Array<{ id: string }>;
  const [third, newer] = nodes;
  shown.length = 0;
  answers.warning = 'Delete';
  await commands.get('endpointProfiler.deleteRun')?.(newer, [third, newer]);
  assert.equal(shown.length, 1);
  assert.match(shown[0], /^Delete 2 runs/);
  assert.deepEqual(readdirSync(path.join(dir, 'runs')).sort(), ['older.json', 'zz-broken.json']);
  assert.deepEqual(
    (provider.getChildren() as Array<{ id: string }>).map((n) => n.id),
    ['older', 'zz-broken'],
  );
  // A command given nothing usable answers with a message, never a throw into the host.
  await commands.get('endpointProfiler.compareRuns')?.();
  assert.match(shown.at(-1) ?? '', /Select/);
});

test("a sweep's runs sit under one row with its verdict; Delete on that row removes exactly its runs", async () => {
  const { provider } = views.get('endpointProfiler.runs')!;
  // Three levels of one sweep (100 ms per request, answered one at a time) beside an ungrouped run.
  for (const [i, c] of [1, 2, 4].entries()) {
    const r = record(`lvl${c}`, `2026-02-01T00:00:0${i}Z`, 100 * c);
    await store.save({
      ...r,
      group: 'sweep-wiring',
      config: { ...r.config, concurrency: c },
      summary: { ...r.summary, rps: 10, durationS: 10 },
    });
  }
  await commands.get('endpointProfiler.refreshRuns')?.();
  const top = provider.getChildren() as Array<{ id: string; kind?: string; label?: string }>;
  const sweep = top.find((n) => n.kind === 'group')!;
  assert.ok(sweep, JSON.stringify(top.map((n) => n.id)));
  assert.match(sweep.label ?? '', /^Sweep GET \/r\/lvl1: /);
  assert.deepEqual(
    (provider.getChildren(sweep as never) as Array<{ id: string }>).map((n) => n.id),
    ['lvl1', 'lvl2', 'lvl4'],
  );
  assert.ok(
    pkg.contributes.menus['view/item/context'].some(
      (m) => m.command === 'endpointProfiler.deleteRun' && menuShows(m.when ?? '', 'endpointProfiler.runs', 'sweep'),
    ),
    'Delete is on the sweep row',
  );
  shown.length = 0;
  answers.warning = 'Delete';
  await commands.get('endpointProfiler.deleteRun')?.(sweep, undefined);
  assert.match(shown[0], /^Delete 3 runs/);
  assert.deepEqual(readdirSync(path.join(dir, 'runs')).sort(), ['older.json', 'zz-broken.json']);
});
