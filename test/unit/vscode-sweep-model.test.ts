// The editor's sweep models without VS Code: a saved group of runs back as a sweep with the
// core's verdict, the panel message, the Runs view's group rows, the handler's measured
// verdict (lens and hover, the "worth a look" line on EP101/EP102), and the typed sweep plan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding, Route, RunRecord } from '../../src/core/model';
import { fitUsl } from '../../src/core/sweep/verdict';
import { handlerHover } from '../../src/vscode/handlerModel';
import { buildRunNodes } from '../../src/vscode/runsTreeModel';
import {
  latestSweepByRoute,
  measuredWord,
  SweepCache,
  sweepHoverLines,
  sweepLensTitle,
  sweepMessage,
  sweepMessageOfRuns,
  sweepOfRuns,
  seriesView,
  uslCurve,
} from '../../src/vscode/sweepModel';
import { parseSweepPlan, planInput, planText } from '../../src/vscode/sweepPlanModel';
import { expandGroups, groupRunNodes, isGroupNode } from '../../src/vscode/sweepTreeModel';
import { syntheticRun } from './vscode-records';

const route: Route = {
  framework: 'fastapi',
  methods: ['GET'],
  path: '/blocking',
  file: 'main.py',
  line: 9,
  handler: 'blocking',
  async: true,
  execution: 'event-loop',
  range: { line: 9, endLine: 12 },
} as Route;

const finding = (rule: string, line: number): Finding =>
  ({
    rule,
    file: 'main.py',
    line,
    column: 5,
    endLine: line,
    endColumn: 20,
    handler: 'blocking',
    message: 'm',
  }) as Finding;

/**
 * A sweep of 100 ms requests over levels 1,2,4,8 (24 requests each), saved with a group id:
 * `serialised` answers one at a time (each waits N × 100 ms, 10 req/s throughout), `scales`
 * answers all N at once (100 ms each, N × 10 req/s).
 */
function sweepRuns(kind: 'serialised' | 'scales', group: string, minute: number, server?: string): RunRecord[] {
  return [1, 2, 4, 8].map((c, i) => {
    const ms = kind === 'serialised' ? 100 * c : 100;
    const rps = kind === 'serialised' ? 10 : 10 * c;
    const r = syntheticRun({
      id: `${group}-c${c}`,
      latenciesMs: Array.from({ length: 24 }, (_, k) => ms * (0.97 + 0.06 * (k / 23))),
      durationS: 24 / rps,
      concurrency: c,
      url: 'http://127.0.0.1:8000/blocking',
      route: { framework: 'fastapi', path: '/blocking', file: 'main.py', line: 9, handler: 'blocking' },
      createdAt: new Date(Date.UTC(2026, 0, 1, 12, minute, i)).toISOString(),
      ...(server ? { server: { command: server } } : {}),
    });
    return { ...r, group };
  });
}

test('a saved group of runs reads back as its sweep: levels in order, the core verdict, the USL fit', () => {
  const runs = sweepRuns('serialised', 'sweep-a', 1).reverse(); // the store lists newest first
  const sweep = sweepOfRuns(runs)!;
  assert.deepEqual(
    sweep.levels.map((l) => [l.concurrency, l.runId]),
    [1, 2, 4, 8].map((c) => [c, `sweep-a-c${c}`]),
  );
  assert.equal(sweep.verdict.kind, 'serialised', sweep.verdict.text);
  assert.match(sweep.verdict.text, /^GET \/blocking serialises: at 8 concurrent requests each waits ~8× as long/);
  assert.equal(measuredWord(sweep.verdict), 'serialises');
  assert.equal(sweepOfRuns(sweepRuns('scales', 'sweep-b', 2))!.verdict.kind, 'scales');
  // A failed level has no figures to judge: left out, not counted as zero throughput.
  const failed = { ...runs[0], id: 'failed', status: 'failed' as const };
  assert.equal(sweepOfRuns([failed])?.levels.length, undefined);
});

test('the USL curve passes through the fit at the sampled concurrencies, log-spaced between the levels', () => {
  const usl = fitUsl([1, 2, 4, 8], [10, 19, 34, 50])!;
  const curve = uslCurve(usl, 1, 8, 4);
  assert.deepEqual(curve.concurrency, [1, 2, 4, 8]);
  for (const [i, c] of curve.concurrency.entries()) {
    const expected = (usl.lambda * c) / (1 + usl.alpha * (c - 1) + usl.beta * c * (c - 1));
    assert.ok(Math.abs(curve.rps[i] - expected) < 1e-3 * expected);
  }
  assert.deepEqual(uslCurve(usl, 0, 8), { concurrency: [], rps: [] }, 'no curve from a bad range');
  const view = seriesView('GET /x', 'done', sweepOfRuns(sweepRuns('scales', 'g', 3)));
  assert.equal(view.fit?.concurrency.length, 32);
  assert.equal(view.fit?.concurrency[0], 1);
  assert.equal(view.fit?.concurrency[31], 8);
});

test('the panel message: what is measured while live, the verdict sentence once two levels are in', () => {
  const runs = sweepRuns('serialised', 'sweep-live', 1);
  const first = sweepOfRuns(runs.slice(0, 1));
  const live = sweepMessage(
    'Sweep GET /blocking',
    true,
    [seriesView('GET /blocking', 'running', first, { current: { concurrency: 2 } })],
    { totalLevels: 4 },
  );
  assert.equal(live.headline, 'Measuring 2 concurrent requests (level 2 of 4)…');
  const two = sweepOfRuns(runs.slice(0, 3))!;
  const later = sweepMessage(
    't',
    true,
    [seriesView('GET /blocking', 'running', two, { current: { concurrency: 8 } })],
    {
      totalLevels: 4,
    },
  );
  assert.equal(later.headline, two.verdict.text);
  assert.match(
    later.notes[0],
    /^Measuring 8 concurrent requests \(level 4 of 4\)… The verdict above is from the 3 levels/,
  );
  const done = sweepMessageOfRuns(runs);
  assert.equal(done.live, false);
  assert.equal(done.headline, sweepOfRuns(runs)!.verdict.text);
  assert.equal(done.series.length, 1);
});

test('runs of several groups (a server comparison) are one series each, named by server, the best said first', () => {
  const slow = sweepRuns('serialised', 'g-uvicorn', 1, 'python3 -m uvicorn main:app --port {port}');
  const fast = sweepRuns('scales', 'g-gunicorn', 2, 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app');
  const m = sweepMessageOfRuns([...fast, ...slow]);
  assert.deepEqual(
    m.series.map((s) => s.name),
    ['uvicorn main:app', 'gunicorn main:app'],
  );
  assert.match(m.headline, /^Most throughput at the top level: gunicorn main:app \(80 req\/s at 8 concurrent\)\.$/);
  assert.deepEqual(m.notes, ['uvicorn main:app: serialises.', 'gunicorn main:app: scales.']);
});

test('Runs view: a sweep is one parent row with its verdict, its runs beneath lowest level first; other runs stay rows', () => {
  const lone = syntheticRun({ id: 'lone', latenciesMs: [5, 6, 7], createdAt: '2026-01-01T13:00:00.000Z' });
  const sweep = sweepRuns('serialised', 'sweep-rows', 1);
  const entries = [lone, ...[...sweep].reverse()].map((r) => ({ id: r.id, file: `${r.id}.json`, record: r }));
  const nodes = buildRunNodes(entries, undefined, Date.parse('2026-01-01T13:05:00Z'));
  const top = groupRunNodes(nodes, new SweepCache(), Date.parse('2026-01-01T13:05:00Z'));
  assert.equal(top.length, 2);
  assert.equal(top[0].id, 'lone');
  const group = top[1];
  assert.ok(isGroupNode(group));
  assert.equal(group.label, 'Sweep GET /blocking: serialises');
  assert.match(group.description, /c=1,2,4,8/);
  assert.match(group.tooltip, /serialises: at 8 concurrent requests/);
  assert.deepEqual(
    group.children.map((c) => c.id),
    ['sweep-rows-c1', 'sweep-rows-c2', 'sweep-rows-c4', 'sweep-rows-c8'],
  );
  assert.deepEqual(
    expandGroups([top[0], group]).map((n) => n.id),
    ['lone', 'sweep-rows-c1', 'sweep-rows-c2', 'sweep-rows-c4', 'sweep-rows-c8'],
    'a selected sweep stands for its runs (Compare, Delete)',
  );
  // A group with one run left (the others deleted) is a plain row again.
  const one = groupRunNodes(nodes.slice(0, 2), new SweepCache());
  assert.ok(one.every((n) => !isGroupNode(n)));
});

test('handler: the latest sweep gives "measured: serialises" and the hover carries it next to the finding', () => {
  const older = sweepRuns('scales', 'old', 1);
  const newer = sweepRuns('serialised', 'new', 5);
  const latest = latestSweepByRoute([...newer, ...older]).get('main.py /blocking')!;
  assert.equal(latest.group, 'new');
  assert.equal(sweepLensTitle(latest), 'measured: serialises');
  const findings = [finding('EP101', 10)];
  const hover = handlerHover(route, findings, undefined, sweepHoverLines(route, findings, latest));
  assert.match(
    hover,
    /⚠ 1 blocking call: line 10 \(EP101\)\n\n\*\*Measured: serialises\*\* \(sweep of 1, 2, 4, 8 concurrent/,
  );
  assert.doesNotMatch(hover, /worth a look/);
});

test('handler: an EP101/EP102 finding on a handler whose sweep scales is worth a look, and the finding stays', () => {
  const scales = latestSweepByRoute(sweepRuns('scales', 's', 1)).get('main.py /blocking')!;
  const findings = [finding('EP102', 11), finding('EP103', 12)];
  const lines = sweepHoverLines(route, findings, scales);
  const hover = handlerHover(route, findings, undefined, lines);
  assert.match(hover, /⚠ 1 blocking call: line 11 \(EP102\)/, 'the static finding is still shown');
  assert.match(hover, /\*\*Measured: scales\*\*/);
  assert.match(
    hover,
    /The sweep says this handler scales, yet line 11 \(EP102\) was flagged as blocking the event loop: worth a look/,
  );
  // Without a loop finding there is nothing to reconcile.
  assert.ok(!sweepHoverLines(route, [], scales).join('\n').includes('worth a look'));
  assert.deepEqual(sweepHoverLines(route, findings, undefined), []);
  // One level only: no verdict to carry.
  assert.equal(latestSweepByRoute(sweepRuns('scales', 'x', 1).slice(0, 1)).size, 0);
});

test('a typed sweep plan: levels and requests or seconds per level, or one line saying why not', () => {
  assert.deepEqual(parseSweepPlan('1,2,4,8,16'), { levels: [1, 2, 4, 8, 16] });
  assert.deepEqual(parseSweepPlan(' 1,2,4,8  24 '), { levels: [1, 2, 4, 8], requests: 24 });
  assert.deepEqual(parseSweepPlan('1,4,16 2.5s'), { levels: [1, 4, 16], durationS: 2.5 });
  assert.equal(planInput({ levels: [1, 4], durationS: 5 }), '1,4 5s');
  assert.equal(planText({ levels: [1, 2], requests: 24 }), '1,2 concurrent · 24 requests each');
  assert.match(parseSweepPlan('1,1') as string, /must differ/);
  assert.match(parseSweepPlan('1,x') as string, /whole numbers/);
  assert.match(parseSweepPlan('1,2 ten') as string, /neither a request count/);
  assert.match(parseSweepPlan('') as string, /levels/);
});
