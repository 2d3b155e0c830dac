// SweepCommands through the fake VS Code API (fakeVscode-profile.ts), with the real runSweep
// (the load engine's worker) and runMatrix (real server processes) against 127.0.0.1, a real
// RunStore in a temp dir and a fake sweep panel: what is asked, what runs, what is saved, and
// that server commands go through Start Server's consent before anything starts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import type { Route, RunRecord } from '../../src/core/model';
import { RunStore } from '../../src/core/runs/store';
import type { SweepMessage } from '../../src/shared/protocol';
import type * as LoadSlotModule from '../../src/vscode/loadSlot';
import type * as ServerStarterModule from '../../src/vscode/serverStarter';
import type * as SweepCommandModule from '../../src/vscode/sweepCommand';
import { freePort } from '../fixtures/servers/ports';
import { calls, enterOrDismiss, memento, requireWithFakeVscode, reset, state, type UiCall } from './fakeVscode-profile';

const { SweepCommands } = requireWithFakeVscode<typeof SweepCommandModule>('../../src/vscode/sweepCommand');
const { takeLoadSlot, releaseLoadSlot } = requireWithFakeVscode<typeof LoadSlotModule>('../../src/vscode/loadSlot');
const { stopStartedServers } = requireWithFakeVscode<typeof ServerStarterModule>('../../src/vscode/serverStarter');

let server: http.Server;
let baseUrl: string;
let delayMs = 20;
before(async () => {
  server = http.createServer((_req, res) => {
    setTimeout(() => res.end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

class FakeSweepPanels {
  readonly shown: SweepMessage[] = [];
  readonly errors: string[] = [];
  cancel: (() => void) | undefined;
  openLive(_title: string, onCancel: () => void) {
    this.cancel = onCancel;
    return {
      show: (m: SweepMessage) => {
        this.shown.push(m);
      },
      error: (m: string) => {
        this.errors.push(m);
      },
      reveal: () => undefined,
    };
  }
  showRuns(): void {}
}

let dir: string;
let store: RunStore;
let panels: FakeSweepPanels;
let workspaceState: ReturnType<typeof memento>;
let savedTimes = 0;

beforeEach(() => {
  reset();
  dir = mkdtempSync(path.join(tmpdir(), 'ep-sweep-command-'));
  store = new RunStore(path.join(dir, 'runs'));
  panels = new FakeSweepPanels();
  workspaceState = memento();
  savedTimes = 0;
  delayMs = 20;
  state.settings = { baseUrl, timeout: 5 };
});
afterEach(async () => {
  await stopStartedServers();
  rmSync(dir, { recursive: true, force: true });
});

const route: Route = {
  framework: 'fastapi',
  methods: ['GET'],
  path: '/ping',
  file: 'main.py',
  line: 10,
  handler: 'ping',
  async: true,
  execution: 'event-loop',
};

function commands(routes: Route[] = [route], files: string[] = []): InstanceType<typeof SweepCommands> {
  return new SweepCommands({
    context: { workspaceState, subscriptions: [] } as never,
    folder: { uri: { fsPath: dir, path: dir, scheme: 'file' }, name: 'w', index: 0 } as never,
    routes: () => routes,
    files: () => files,
    store,
    panels,
    runs: () => [],
    onRunSaved: () => {
      savedTimes++;
    },
  });
}

/** Answers the plan picker with Custom… and the given plan; everything else as Enter/dismiss. */
const customPlan =
  (plan: string, also: (c: UiCall) => unknown = enterOrDismiss) =>
  (c: UiCall): unknown => {
    if (c.kind === 'quickPick' && c.text.startsWith('Sweep ')) return (c.items as Array<{ label: string }>).at(-1);
    if (c.kind === 'inputBox' && c.text === 'Custom sweep') return plan;
    return also(c);
  };

const savedRuns = async (): Promise<RunRecord[]> => (await store.list()).flatMap((e) => (e.record ? [e.record] : []));

test('Sweep Endpoint: each level runs and is saved with one group id; the panel ends on the verdict; the plan is remembered', async () => {
  state.answer = customPlan('1,2,4 6');
  await commands().sweep(route);
  const runs = await savedRuns();
  assert.deepEqual(
    runs.map((r) => r.config.concurrency).sort((a, b) => a - b),
    [1, 2, 4],
  );
  const groups = new Set(runs.map((r) => r.group));
  assert.equal(groups.size, 1);
  assert.match([...groups][0]!, /^sweep-/);
  assert.ok(runs.every((r) => r.route?.path === '/ping' && r.target.url === `${baseUrl}/ping`));
  assert.ok(savedTimes >= 1, 'the Runs view was told');
  const last = panels.shown.at(-1)!;
  assert.equal(last.live, false);
  assert.deepEqual(
    last.series[0].sweep?.levels.map((l) => l.concurrency),
    [1, 2, 4],
  );
  assert.equal(last.headline, last.series[0].sweep?.verdict.text);
  assert.ok(
    panels.shown.some((m) => m.live && m.series[0].current),
    'live snapshots while it ran',
  );
  assert.equal(state.progresses.length, 1);
  // Next time the plan is offered first.
  state.calls.length = 0;
  state.answer = (c) => (c.kind === 'quickPick' ? undefined : enterOrDismiss(c));
  await commands().sweep(route);
  const picker = calls('quickPick')[0];
  assert.match((picker.items[0] as { label: string }).label, /^Last used: 1,2,4 concurrent · 6 requests each/);
});

test('Cancel on the notification stops the sweep: the finished levels are kept, the level under way is not', async () => {
  delayMs = 150;
  state.answer = customPlan('1,2,4,8 8');
  const sweeping = commands().sweep(route);
  // Cancel once the first level is saved.
  for (let i = 0; i < 200 && (await savedRuns()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  state.progresses[0].cancel();
  await sweeping;
  const runs = await savedRuns();
  assert.ok(runs.length >= 1 && runs.length < 4, `${runs.length} levels kept`);
  assert.ok(runs.every((r) => r.status === 'complete'));
  const last = panels.shown.at(-1)!;
  assert.equal(last.live, false);
  assert.ok(last.notes.includes('Cancelled before the last level.'), JSON.stringify(last.notes));
});

test('nothing listening: says so with Start Server… and sweeps nothing', async () => {
  state.settings = { baseUrl: 'http://127.0.0.1:9', timeout: 5 };
  await commands().sweep(route);
  assert.match(calls('error')[0].text, /^Nothing is listening at http:\/\/127\.0\.0\.1:9/);
  assert.equal(calls('quickPick').length, 0, 'no plan asked');
  assert.equal((await savedRuns()).length, 0);
});

const serverScript = path.join(__dirname, '../fixtures/servers/node_http_server.js');
const nodeCommand = `${process.execPath} ${serverScript} --port {port}`;

test('Compare Server Configurations: a command not typed now is shown and confirmed first; declined, nothing starts', async () => {
  await workspaceState.update('endpointProfiler.recentMatrixCommands', [nodeCommand]);
  state.answer = (c) => {
    if (c.kind === 'quickPick' && c.options?.canPickMany) return c.items; // every offered command
    if (c.kind === 'inputBox' && c.text.startsWith('Another server command')) return '';
    return enterOrDismiss(c); // the modal's default: don't run
  };
  await commands().compareServers(route);
  const modal = calls('warning').find((c) => c.text.startsWith('Run this command to start the server?'));
  assert.ok(modal, 'the command was shown');
  assert.match(modal.text, new RegExp(nodeCommand.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  assert.equal(panels.shown.length, 0, 'no panel, no server');
  assert.equal((await savedRuns()).length, 0);
});

test('Compare Server Configurations: typed commands run in turn on free ports, each swept and saved under its own group', async () => {
  let typed = 0;
  state.answer = customPlan('1,2 4', (c) => {
    if (c.kind === 'inputBox' && c.text.startsWith('Another server command'))
      return typed++ === 0 ? nodeCommand : typed === 2 ? `${nodeCommand} --fork` : '';
    return enterOrDismiss(c);
  });
  await commands().compareServers(route);
  assert.equal(calls('warning').length, 0, 'typed now: that is the approval');
  const last = panels.shown.at(-1)!;
  assert.equal(last.live, false);
  assert.deepEqual(
    last.series.map((s) => [s.state, s.sweep?.levels.length]),
    [
      ['done', 2],
      ['done', 2],
    ],
  );
  assert.match(last.headline, /^Best for \/ping: /);
  // While the second ran, the first already showed all its levels (the panel is live per configuration).
  assert.ok(
    panels.shown.some(
      (m) =>
        m.live &&
        m.series[0].state === 'done' &&
        m.series[0].sweep?.levels.length === 2 &&
        m.series[1].state !== 'done',
    ),
    'the first configuration complete in the panel before the comparison ended',
  );
  const runs = await savedRuns();
  assert.equal(runs.length, 4);
  assert.equal(new Set(runs.map((r) => r.group)).size, 2);
  assert.ok(runs.every((r) => r.server?.command?.startsWith(process.execPath)));
  assert.deepEqual(workspaceState.get('endpointProfiler.recentMatrixCommands'), [`${nodeCommand} --fork`, nodeCommand]);
});

test('while Profile Endpoint runs a load, a sweep starts nothing, says so and can cancel the profile', async () => {
  let cancelled = 0;
  const profile = { what: 'profiling GET /items', cancel: () => cancelled++ };
  assert.ok(takeLoadSlot(profile));
  try {
    state.answer = customPlan('1,2 4', (c) => (c.kind === 'warning' ? 'Cancel It' : enterOrDismiss(c)));
    await commands().sweep(route);
    const said = calls('warning').find((c) => c.text.startsWith('Endpoint Profiler is already profiling GET /items'));
    assert.ok(said, JSON.stringify(state.calls.map((c) => c.text)));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(cancelled, 1, 'Cancel It cancels the running profile');
    assert.equal(panels.shown.length, 0);
    assert.equal((await savedRuns()).length, 0);
  } finally {
    releaseLoadSlot(profile);
  }
});

// Line 4 burns ~150 ms of CPU on the loop per request: only the runtime loop watch can see it.
// The port comes from the matrix's {port} argument or Start Server's PORT.
const BUSY_SERVER = `const http = require('http');
function busy() {
  const until = Date.now() + 150;
  while (Date.now() < until) {}
}
http.createServer((q, s) => { busy(); s.end('ok'); }).listen(Number(process.argv[2] || process.env.PORT), process.env.HOST || '127.0.0.1');
`;
const busyRoute: Route = {
  framework: 'express',
  methods: ['GET'],
  path: '/busy',
  file: 'server.js',
  line: 6,
  handler: '<anonymous>',
  async: false,
  execution: 'event-loop',
};

/** Each saved level names server.js's busy loop, in its own window (about its own requests' stalls, not the whole sweep's). */
function assertEachLevelWatched(runs: RunRecord[]): void {
  for (const run of runs) {
    const [stall] = run.loopStalls ?? [];
    assert.ok(stall, `level c=${run.config.concurrency}: no stall in ${JSON.stringify(run.loopStalls)}`);
    assert.deepEqual([stall.file, stall.function], ['server.js', 'busy']);
    assert.ok(stall.line >= 3 && stall.line <= 4, `line ${stall.line} is the busy loop`);
    // 4 requests + a warm-up of c per level, ~150 ms each: far less than all levels' together.
    const requests = run.summary.count + run.config.concurrency;
    assert.ok(stall.count >= 3 && stall.count <= requests + 2, `c=${run.config.concurrency}: ${stall.count} stalls`);
    assert.ok(run.loopLag && run.loopLag.maxMs >= 100, JSON.stringify(run.loopLag));
  }
}

/** Sweep Endpoint with nothing listening: the user picks Start Server… and approves the configured command. */
async function sweepWithStartServer(settings: Record<string, unknown>): Promise<RunRecord[]> {
  writeFileSync(path.join(dir, 'server.js'), BUSY_SERVER);
  state.settings = {
    baseUrl: `http://127.0.0.1:${await freePort()}`,
    timeout: 5,
    serverCommand: `${process.execPath} server.js`,
    ...settings,
  };
  state.answer = customPlan('1,2 4', (c) => {
    if (c.kind === 'error' && c.items.includes('Start Server…')) return 'Start Server…';
    if (c.kind === 'warning' && c.items.includes('Run Command')) return 'Run Command';
    return c.kind === 'quickPick' ? c.items[0] : undefined;
  });
  await commands([busyRoute], ['server.js']).sweep(busyRoute);
  const runs = (await savedRuns()).sort((a, b) => a.config.concurrency - b.config.concurrency);
  assert.equal(runs.length, 2, JSON.stringify([...calls('error'), ...panels.errors].map((c) => c)));
  assert.ok(runs.every((r) => r.summary.ok === 4));
  return runs;
}

test('Sweep Endpoint on a server Start Server started: each saved level carries its window of the loop watch', async () => {
  const runs = await sweepWithStartServer({});
  assert.match(String(calls('warning')[0].options?.detail), /event loop is watched/);
  assertEachLevelWatched(runs);
});

test('Sweep Endpoint with endpointProfiler.watchLoop off: the saved levels have no loop fields', async () => {
  const runs = await sweepWithStartServer({ watchLoop: false });
  assert.ok(runs.every((r) => r.loopStalls === undefined && r.loopLag === undefined));
});

test('Compare Server Configurations watches the servers it starts: the consent says so, each level has its window', async () => {
  writeFileSync(path.join(dir, 'server.js'), BUSY_SERVER);
  await workspaceState.update('endpointProfiler.recentMatrixCommands', [`${process.execPath} server.js {port}`]);
  state.answer = customPlan('1,2 4', (c) => {
    if (c.kind === 'quickPick' && c.options?.canPickMany) return c.items;
    if (c.kind === 'inputBox' && c.text.startsWith('Another server command')) return '';
    if (c.kind === 'warning' && c.items.includes('Run Command')) return 'Run Command';
    return enterOrDismiss(c);
  });
  await commands([busyRoute], ['server.js']).compareServers(busyRoute);
  const modal = calls('warning').find((c) => c.text.startsWith('Run this command to start the server?'));
  assert.match(String(modal?.options?.detail), /event loop is watched/);
  const runs = (await savedRuns()).sort((a, b) => a.config.concurrency - b.config.concurrency);
  assert.equal(runs.length, 2, JSON.stringify(panels.errors));
  assertEachLevelWatched(runs);
  assert.deepEqual(
    panels.shown.at(-1)!.series.map((x) => x.state),
    ['done'],
  );
});
