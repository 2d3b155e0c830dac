// A run's outcome on every editor surface: a run of 404s as today's engine records it
// (summary.ok = count) must read as failed in the Runs row, the hover and the CodeLens, and
// none of them may quote the 404s' latency as the endpoint's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Route } from '../../src/core/model';
import { handlerHover, lastRunLensTitle, latestRunByRoute, routeKey } from '../../src/vscode/handlerModel';
import { runOutcome } from '../../src/vscode/outcomeModel';
import { toRunView } from '../../src/vscode/resultsModel';
import { runNode } from '../../src/vscode/runsTreeModel';
import { latencies, syntheticRun } from './vscode-records';

const route: Route = {
  framework: 'fastapi',
  methods: ['GET'],
  path: '/items',
  file: 'main.py',
  line: 3,
  handler: 'items',
  async: true,
  execution: 'event-loop',
};
const onRoute = { route: { path: '/items', file: 'main.py', handler: 'items' } };

const notFound = syntheticRun({ latenciesMs: latencies(10, 40, 48), statusCodes: { '404': 10 }, ...onRoute });
const someFailed = syntheticRun({
  latenciesMs: latencies(10, 40, 48),
  statusCodes: { '200': 7, '500': 3 },
  errorKinds: { timeout: 2 },
  errorSamples: { timeout: 'no response within 10 s' },
  ...onRoute,
});
const good = syntheticRun({ latenciesMs: latencies(10, 40, 48), ...onRoute, createdAt: '2026-01-01T10:00:00Z' });
const refused = syntheticRun({
  latenciesMs: [],
  statusCodes: {},
  errorKinds: { refused: 4 },
  status: 'failed',
  createdAt: '2026-01-02T10:00:00Z',
  ...onRoute,
});
refused.failure = 'connection refused at 127.0.0.1:8000';

test('outcome: all 404 (ok = count, as today) is failed; 200 + 500 + timeouts is partial; 200s are ok', () => {
  assert.equal(notFound.summary.ok, 10, "today's engine counts the 404s as ok");
  assert.deepEqual(runOutcome(notFound), {
    kind: 'failed',
    expect: '200-399',
    expected: 0,
    failed: 10,
    unexpected: [{ status: 404, count: 10 }],
    errors: [],
    text: '10 × 404',
  });
  const partial = runOutcome(someFailed);
  assert.equal(partial.kind, 'partial');
  assert.equal(partial.expected, 7);
  assert.equal(partial.failed, 5);
  assert.equal(partial.text, '3 × 500, 2 × timeout');
  assert.deepEqual(partial.errors, [{ kind: 'timeout', count: 2, sample: 'no response within 10 s' }]);
  assert.equal(runOutcome(good).kind, 'ok');
  // A newer engine's record: the 404s as errorKinds.status too, counted once.
  const newer = { ...notFound, errorKinds: { status: 10 }, config: { ...notFound.config, expect: '200-399,404' } };
  assert.equal(runOutcome(newer).kind, 'ok', '404 expected by the run itself');
  assert.equal(toRunView(notFound).outcome.kind, 'failed', 'the panel gets the outcome with the run');
});

test('Runs row: ✗ (error icon) with the statuses for no expected response, ⚠ for some, ✓ otherwise', () => {
  const failed = runNode({ id: notFound.id, file: 'x', record: notFound }, undefined, Date.now());
  assert.equal(failed.icon, 'error');
  assert.match(failed.description, /^c=10 · failed: 10 × 404 · /);
  assert.doesNotMatch(failed.description, /p50|ms/, 'no latency of the 404s');
  assert.match(failed.tooltip, /10 requests, 0 with an expected status \(200-399\), failed: 10 × 404/);
  const partial = runNode({ id: someFailed.id, file: 'x', record: someFailed }, undefined, Date.now());
  assert.equal(partial.icon, 'warning');
  assert.match(partial.description, /^c=10 · 3 × 500, 2 × timeout of 12 failed · p50/);
  assert.equal(runNode({ id: good.id, file: 'x', record: good }, undefined, Date.now()).icon, 'pass');
});

test('hover and CodeLens: "last run failed: 10 × 404", no latency; the failed run is the latest one', () => {
  const latest = latestRunByRoute([good, refused]).get(routeKey(route));
  assert.equal(latest?.id, refused.id, 'the newer, failed run is the one described, not the older good one');
  assert.match(handlerHover(route, [], latest), /Last run failed: 4 × refused/);
  assert.equal(lastRunLensTitle(refused), '✗ last run failed: 4 × refused');
  const hover = handlerHover(route, [], notFound);
  assert.match(hover, /Last run failed: 10 × 404/);
  assert.doesNotMatch(hover, /p50|p99|\d ms/);
  assert.equal(lastRunLensTitle(notFound), '✗ last run failed: 10 × 404');
  assert.match(lastRunLensTitle(good), /^last run p50 4\d\.\d ms · p99 4\d\.\d ms$/);
  assert.match(lastRunLensTitle(someFailed), /^⚠ last run p50 .* · 3 × 500, 2 × timeout failed$/);
  assert.match(handlerHover(route, [], someFailed), /5 of 12 requests failed \(3 × 500, 2 × timeout\)/);
});
