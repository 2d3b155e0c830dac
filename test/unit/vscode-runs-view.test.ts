// The Runs view over REAL run records: produced by the load engine against a node:http server
// on 127.0.0.1, saved in a RunStore in a temp dir, plus broken files beside them. The commands
// run through a scripted stand-in for the editor dialogs; assertions are on the store's files
// and on what reaches the results panel.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoad } from '../../src/core/load/engine';
import type { RunRecord } from '../../src/core/model';
import { readRunFile } from '../../src/core/runs/format';
import { RunStore } from '../../src/core/runs/store';
import { RunCommands, type RunsUi } from '../../src/vscode/runCommands';
import {
  buildRunNodes,
  compareOrder,
  formatMs,
  relativeTime,
  shortCommand,
  targetsOf,
  type RunNode,
} from '../../src/vscode/runsTreeModel';
import { startDelayServer, type TestServer } from '../fixtures/servers/delay-server';
import { freePort } from '../fixtures/servers/ports';

const dir = mkdtempSync(path.join(tmpdir(), 'ep-runs-view-'));
const store = new RunStore(path.join(dir, 'runs'));
let srv: TestServer;
let base: string; // the server's origin, no trailing slash
let slow: RunRecord;
let fast: RunRecord;
let refused: RunRecord;
let cancelled: RunRecord;

before(async () => {
  srv = await startDelayServer();
  base = srv.url.replace(/\/$/, '');
  slow = await startLoad({ url: `${base}/items?ms=20`, concurrency: 2, requests: 10 }).result;
  fast = await startLoad({ url: `${base}/fast?ms=1`, concurrency: 2, requests: 10, label: 'fast one' }).result;
  refused = await startLoad({ url: `http://127.0.0.1:${await freePort()}/down`, concurrency: 1, requests: 2 }).result;
  const h = startLoad({ url: `${base}/long?ms=5`, concurrency: 1, durationS: 5 });
  setTimeout(() => h.cancel(), 300);
  cancelled = await h.result;
  for (const r of [slow, fast, refused, cancelled]) await store.save(r);
  writeFileSync(path.join(dir, 'runs', 'broken.json'), '{"schemaVersion": 1, "id": ');
  writeFileSync(path.join(dir, 'runs', 'future.json'), JSON.stringify({ ...slow, id: 'future', schemaVersion: 2 }));
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

const byId = (nodes: RunNode[], id: string): RunNode => {
  const n = nodes.find((x) => x.id === id);
  assert.ok(n, `node ${id}`);
  return n;
};

test('rows: label from the record, key figures as measured, status icons, broken files with their error', async () => {
  const nodes = buildRunNodes(await store.list(), undefined);
  // Newest first, as the store lists them; broken files (no date) last.
  assert.deepEqual(
    nodes.slice(0, 4).map((n) => n.id),
    [cancelled.id, refused.id, fast.id, slow.id],
  );

  const s = byId(nodes, slow.id);
  assert.equal(s.label, 'GET /items?ms=20');
  const m = /^c=2 · p50 ([\d.]+) ms · p99 ([\d.]+) ms · (\d+) req\/s · just now$/.exec(s.description);
  assert.ok(m, s.description);
  assert.ok(
    Number(m[1]) >= 20 && Math.abs(Number(m[1]) - slow.summary.latencyMs.p50) <= 0.5,
    `p50 shown ${m[1]}, measured ${slow.summary.latencyMs.p50}`,
  );
  assert.ok(Number(m[3]) > 0 && Number(m[3]) <= 100, 'c=2 at 20 ms cannot exceed 100 req/s');
  assert.equal(s.icon, 'pass');
  assert.equal(s.contextValue, 'run');
  assert.match(s.tooltip, new RegExp(`Target: \`GET ${base.replace(/[.]/g, '\\.')}/items\\?ms=20\``));
  assert.match(s.tooltip, /closed model, concurrency 2, 10 requests/);
  assert.match(s.tooltip, /Status: complete/);

  assert.equal(byId(nodes, fast.id).label, 'fast one');

  const r = byId(nodes, refused.id);
  assert.equal(r.icon, 'error');
  assert.match(r.description, /^c=1 · failed: .*connection refused/);
  assert.doesNotMatch(r.description, /\n/);

  const c = byId(nodes, cancelled.id);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(c.icon, 'circle-slash');
  assert.match(c.tooltip, /Load: closed model, concurrency 1, 5 s/);

  const broken = byId(nodes, 'broken');
  assert.equal(broken.contextValue, 'run.corrupt');
  assert.equal(broken.record, undefined);
  assert.match(broken.error ?? '', /invalid JSON/);
  assert.match(broken.tooltip, /invalid JSON/);
  assert.match(byId(nodes, 'future').error ?? '', /schema version 2, newer than this tool supports/);

  const pinned = buildRunNodes(await store.list(), slow.id);
  assert.equal(byId(pinned, slow.id).contextValue, 'run.baseline');
  assert.equal(byId(pinned, slow.id).icon, 'pinned');
  assert.equal(pinned.filter((n) => n.contextValue === 'run.baseline').length, 1);
});

test('figures and times are formatted for reading', () => {
  assert.deepEqual(
    [formatMs(0.4234), formatMs(3.14), formatMs(40.4), formatMs(1234.6)],
    ['0.42 ms', '3.1 ms', '40 ms', '1235 ms'],
  );
  const now = Date.parse('2026-03-10T12:00:00Z');
  assert.equal(relativeTime('2026-03-10T11:59:30Z', now), 'just now');
  assert.equal(relativeTime('2026-03-10T11:55:00Z', now), '5 min ago');
  assert.equal(relativeTime('2026-03-10T09:00:00Z', now), '3 h ago');
  assert.equal(relativeTime('2026-03-08T12:00:00Z', now), '2 d ago');
  assert.equal(relativeTime('2026-01-02T12:00:00Z', now), '2026-01-02');
  assert.equal(relativeTime('not a date', now), 'not a date');
});

test('compare order: baseline first, otherwise the oldest run first; too few runs explain why', async () => {
  const nodes = buildRunNodes(await store.list(), undefined);
  const [S, F, C, B] = [slow.id, fast.id, cancelled.id, 'broken'].map((id) => byId(nodes, id));
  assert.ok(
    slow.createdAt < fast.createdAt && fast.createdAt < cancelled.createdAt,
    'runs were recorded slow, fast, cancelled',
  );
  assert.deepEqual(
    compareOrder([F, S], undefined, nodes),
    { ids: [S.id, F.id] },
    'before → after, whatever the click order',
  );
  assert.deepEqual(compareOrder([S, F], undefined, nodes), { ids: [S.id, F.id] });
  assert.deepEqual(compareOrder([C, F, S], S.id, nodes), { ids: [S.id, F.id, C.id] });
  assert.deepEqual(compareOrder([F], S.id, nodes), { ids: [S.id, F.id] }, 'one run + pinned baseline');
  assert.deepEqual(
    compareOrder([C, F], S.id, nodes),
    { ids: [F.id, C.id] },
    'baseline not selected: the selection, oldest first',
  );
  assert.match((compareOrder([S], S.id, nodes) as { message: string }).message, /other than the baseline/);
  assert.match((compareOrder([F], undefined, nodes) as { message: string }).message, /two or more/);
  assert.match(
    (compareOrder([F], 'deleted-run', nodes) as { message: string }).message,
    /two or more/,
    'a vanished baseline is ignored',
  );
  assert.match((compareOrder([F, B], undefined, nodes) as { message: string }).message, /broken\.json.*invalid JSON/);
});

test('targets: the multi-selection when the clicked row is in it, else the clicked row, else the tree selection', () => {
  const [a, b, c] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  assert.deepEqual(targetsOf(b, [a, b], [c]), [a, b]);
  assert.deepEqual(targetsOf(c, [a, b], [a, b]), [c]);
  assert.deepEqual(targetsOf(a, undefined, [b]), [a]);
  assert.deepEqual(targetsOf(undefined, undefined, [b, c]), [b, c]);
});

/** Scripted editor dialogs: answers queued per test; messages recorded. */
function scriptedUi(answers: { confirm?: boolean; text?: string; pick?: string; save?: string; folder?: string } = {}) {
  const log = { info: [] as string[], error: [] as string[], confirms: [] as string[], saveDefaults: [] as string[] };
  const ui: RunsUi = {
    info: (m) => log.info.push(m),
    error: (m) => log.error.push(m),
    confirm: async (m) => {
      log.confirms.push(m);
      return answers.confirm ?? false;
    },
    askText: async (o) =>
      answers.text !== undefined && o.validate?.(answers.text) === undefined ? answers.text : undefined,
    pick: async (_t, items) => items.find((i) => i === answers.pick),
    saveFile: async (defaultPath) => {
      log.saveDefaults.push(defaultPath);
      return answers.save;
    },
    pickFolder: async () => answers.folder,
  };
  return { ui, log };
}

/** A store in its own temp dir, seeded with copies of the real runs and a broken file. */
async function setup(
  answers: Parameters<typeof scriptedUi>[0] = {},
  baselineId?: string,
  exportFolder?: ConstructorParameters<typeof RunCommands>[0]['exportFolder'],
) {
  const runsDir = mkdtempSync(path.join(dir, 'cmd-'));
  const own = new RunStore(runsDir);
  for (const r of [slow, fast, refused, cancelled]) await own.save(r);
  writeFileSync(path.join(runsDir, 'broken.json'), 'not json');
  let baseline = baselineId;
  let nodes: RunNode[] = [];
  let selection: RunNode[] = [];
  const shown: { runs: RunRecord[]; comparisons: RunRecord[][] } = { runs: [], comparisons: [] };
  const { ui, log } = scriptedUi(answers);
  const tree = {
    nodes: () => nodes,
    selection: () => selection,
    refresh: async () => {
      nodes = buildRunNodes(await own.list(), baseline);
    },
  };
  await tree.refresh();
  const commands = new RunCommands({
    store: own,
    ui,
    tree,
    workspaceFolder: dir,
    ...(exportFolder ? { exportFolder } : {}),
    panels: { showRun: (r) => shown.runs.push(r), showComparison: (rs) => shown.comparisons.push(rs) },
    baseline: {
      get: () => baseline,
      set: async (id) => {
        baseline = id;
      },
    },
  });
  const files = () =>
    readdirSync(runsDir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  return {
    own,
    runsDir,
    commands,
    log,
    shown,
    files,
    node: (id: string) => byId(nodes, id),
    select: (ids: string[]) => {
      selection = ids.map((id) => byId(nodes, id));
    },
    baseline: () => baseline,
  };
}

test('delete with a multi-selection removes exactly those files after a modal confirmation', async () => {
  const t = await setup({ confirm: true });
  await t.commands.delete(t.node(fast.id), [t.node(fast.id), t.node('broken')]);
  assert.equal(t.log.confirms.length, 1);
  assert.match(t.log.confirms[0], /Delete 2 runs \(“fast one”, “broken\.json”\)/);
  assert.deepEqual(t.files(), [slow.id, refused.id, cancelled.id].map((id) => `${id}.json`).sort());
  assert.deepEqual(t.log.error, []);

  const declined = await setup({ confirm: false });
  await declined.commands.delete(declined.node(fast.id), [declined.node(fast.id), declined.node(slow.id)]);
  assert.equal(declined.files().length, 5, 'declining deletes nothing');

  const single = await setup();
  await single.commands.delete(single.node(fast.id), [single.node(slow.id)]);
  assert.equal(single.log.confirms.length, 0, 'one run (clicked outside the selection) needs no confirmation');
  assert.ok(!single.files().includes(`${fast.id}.json`));
  assert.ok(single.files().includes(`${slow.id}.json`));
});

test('deleting the pinned baseline unpins it', async () => {
  const t = await setup({}, slow.id);
  assert.equal(t.node(slow.id).contextValue, 'run.baseline');
  await t.commands.delete(t.node(slow.id));
  assert.equal(t.baseline(), undefined);
});

test('rename writes the label into the run file and the row shows it', async () => {
  const t = await setup({ text: '  after the fix  ' });
  await t.commands.rename(t.node(slow.id));
  assert.equal((await t.own.load(slow.id)).label, 'after the fix');
  assert.equal(t.node(slow.id).label, 'after the fix');
  const blank = await setup({ text: '   ' });
  await blank.commands.rename(blank.node(slow.id));
  assert.equal((await blank.own.load(slow.id)).label, undefined, 'a blank name is refused');
});

test('compare from the view title uses the tree selection, baseline first; pin/unpin change the order', async () => {
  const t = await setup();
  t.select([fast.id, slow.id]);
  await t.commands.compare();
  assert.deepEqual(
    t.shown.comparisons.at(-1)?.map((r) => r.id),
    [slow.id, fast.id],
    'no baseline: the older run first',
  );
  await t.commands.pin(t.node(fast.id));
  assert.equal(t.node(fast.id).contextValue, 'run.baseline');
  await t.commands.compare();
  assert.deepEqual(
    t.shown.comparisons.at(-1)?.map((r) => r.id),
    [fast.id, slow.id],
    'the pinned baseline first',
  );
  t.select([cancelled.id]);
  await t.commands.compare(t.node(cancelled.id), [t.node(cancelled.id)]);
  assert.deepEqual(
    t.shown.comparisons.at(-1)?.map((r) => r.id),
    [fast.id, cancelled.id],
  );
  await t.commands.unpin();
  await t.commands.compare(t.node(cancelled.id), [t.node(cancelled.id)]);
  assert.equal(t.shown.comparisons.length, 3, 'one run without a baseline is not compared');
  assert.match(t.log.info.at(-1) ?? '', /two or more/);
});

test('broken or vanished run files give one-line messages, never a throw or a panel', async () => {
  const t = await setup({ pick: 'JSON', save: path.join(dir, 'never.json') });
  await t.commands.open(t.node('broken'));
  await t.commands.export(t.node('broken'));
  await t.commands.pin(t.node('broken'));
  assert.equal(t.log.error.length, 3);
  assert.ok(
    t.log.error.every((m) => /broken\.json cannot be read: .*invalid JSON/.test(m) && !m.includes('\n')),
    t.log.error.join('\n'),
  );
  assert.equal(t.baseline(), undefined);
  assert.ok(!existsSync(path.join(dir, 'never.json')));

  const vanished = t.node(fast.id);
  unlinkSync(path.join(t.runsDir, `${fast.id}.json`));
  await t.commands.open(vanished);
  assert.match(t.log.error.at(-1) ?? '', /^Run “fast one” is no longer available: cannot read .*ENOENT$/);
  assert.equal(t.shown.runs.length, 0);
  assert.throws(() => t.node(fast.id), 'the tree was refreshed without it');

  await t.commands.open(t.node(slow.id));
  assert.deepEqual(
    t.shown.runs.map((r) => r.id),
    [slow.id],
  );
});

test('export writes the chosen format to the chosen file', async () => {
  const target = path.join(dir, 'slow.csv');
  const t = await setup({ pick: 'CSV', save: target });
  await t.commands.export(t.node(slow.id));
  const csv = readFileSync(target, 'utf8');
  assert.match(csv, /^section,key,value\n/);
  assert.match(csv, new RegExp(`^latency_ms,p50,${slow.summary.latencyMs.p50}$`, 'm'));
  assert.match(t.log.info.at(-1) ?? '', /Exported “GET \/items\?ms=20” to .*slow\.csv/);
});

test("export's Save As starts in the last export folder, else home — not the workspace root — and remembers where it saved", async () => {
  let last: string | undefined;
  const home = path.join(dir, 'home');
  const folder = { last: () => last, remember: async (d: string) => void (last = d), home };
  const reports = mkdtempSync(path.join(dir, 'reports-'));
  const t = await setup({ pick: 'JSON', save: path.join(reports, 'mine.json') }, undefined, folder);
  await t.commands.export(t.node(slow.id));
  assert.equal(path.dirname(t.log.saveDefaults[0]), home, `first export starts at home: ${t.log.saveDefaults[0]}`);
  assert.notEqual(path.dirname(t.log.saveDefaults[0]), dir, 'not the workspace folder');
  assert.match(path.basename(t.log.saveDefaults[0]), /^GET-items-ms-20\.json$/, 'a short name from the run');
  assert.equal(last, reports, 'the folder saved to is remembered');
  await t.commands.export(t.node(fast.id));
  assert.equal(path.dirname(t.log.saveDefaults[1]), reports, 'the next export starts where the last one went');
});

test('export all copies every readable run as a run file and reports the skipped broken one', async () => {
  const folder = path.join(dir, 'exported');
  const t = await setup({ folder });
  await t.commands.exportAll();
  const names = readdirSync(folder).sort();
  assert.deepEqual(names, [slow.id, fast.id, refused.id, cancelled.id].map((id) => `${id}.json`).sort());
  for (const n of names) assert.equal((await readRunFile(path.join(folder, n))).id, n.slice(0, -5));
  assert.match(t.log.info.at(-1) ?? '', /Exported 4 runs to .*exported \(1 unreadable file skipped\)$/);
});

test('rows tell runs of one route apart: label, route, server (short command, workers) and load before the figures', () => {
  const onRoute = (label: string | undefined, server: RunRecord['server'], concurrency: number): RunRecord => ({
    ...slow,
    id: `row-${label ?? 'none'}-${concurrency}`,
    ...(label ? { label } : { label: undefined }),
    route: { path: '/async-blocking', file: 'main.py', handler: 'blocking' },
    config: { ...slow.config, concurrency },
    ...(server ? { server } : { server: undefined }),
  });
  const row = (r: RunRecord) => buildRunNodes([{ id: r.id, file: 'x', record: r }], undefined)[0];
  const a = row(onRoute('before the fix', { command: 'uvicorn main:app --port 8000 --workers 4', workers: 4 }, 10));
  assert.equal(a.label, 'before the fix');
  assert.match(a.description, /^GET \/async-blocking · uvicorn main:app · 4 workers · c=10 · p50 /);
  const b = row(
    onRoute(undefined, { command: '/usr/bin/python3 -m gunicorn -w 2 -k uvicorn.workers.UvicornWorker app:app' }, 50),
  );
  assert.equal(b.label, `GET ${new URL(slow.target.url).pathname}${new URL(slow.target.url).search}`);
  assert.match(b.description, /^GET \/async-blocking · gunicorn app:app · c=50 · /);
  const c = row(onRoute('GET /async-blocking', undefined, 1));
  assert.match(c.description, /^c=1 · p50 /, 'the label is the route: not repeated; no server known: none shown');
  assert.deepEqual(
    ['PORT=8000 node dist/server.js', 'npm run dev -- --port 3000', 'python3 -m uvicorn app.main:app --reload'].map(
      shortCommand,
    ),
    ['node dist/server.js', 'npm run dev', 'uvicorn app.main:app'],
  );
});
