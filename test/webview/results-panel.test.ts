// The built results webview (dist/webview.js) in Chromium behind the real page and CSP, fed
// run records measured by the real load engine against a 127.0.0.1 server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLoad, type LoadProgress } from '../../src/core/load/engine';
import type { RunRecord } from '../../src/core/model';
import { compareMessage, runMessage } from '../../src/vscode/resultsModel';
import { formatCount, formatMs } from '../../webview/format';
import { startDelayServer, type TestServer } from '../fixtures/servers/delay-server';
import { freePort } from '../fixtures/servers/ports';
import { latencies, syntheticRun } from '../unit/vscode-records';
import { FakeHost } from './fakeHost';

let srv: TestServer;
let host: FakeHost;
let tenRun: RunRecord;
let slow: RunRecord;
let fast: RunRecord;
const snapshots: LoadProgress[] = [];
let refused: RunRecord;

before(async () => {
  srv = await startDelayServer();
  tenRun = await startLoad({ url: `${srv.url}?ms=100`, concurrency: 10, requests: 10, label: 'ten at c=10' }).result;
  // Four seconds each: compareRuns needs ≥3 full seconds per run before it gives a verdict.
  slow = await startLoad({ url: `${srv.url}?ms=40`, concurrency: 2, durationS: 4, label: 'slow 40 ms' }, (p) => {
    snapshots.push(p);
  }).result;
  fast = await startLoad({ url: `${srv.url}?ms=10`, concurrency: 2, durationS: 4, label: 'fast 10 ms' }).result;
  refused = await startLoad({ url: `http://127.0.0.1:${await freePort()}/`, concurrency: 2, requests: 4 }).result;
  host = await FakeHost.open('results');
});

after(async () => {
  await host?.close();
  await srv?.close();
});

test('the panel says ready on load, before any results', async () => {
  await host.page.getByTestId('waiting').waitFor();
  assert.deepEqual(await host.posted(), [{ type: 'ready' }]);
});

test('live snapshots update in place with a Cancel button that posts cancel; the final record replaces them', async () => {
  assert.ok(snapshots.length >= 2, `the 4 s run reported progress ${snapshots.length} times`);
  const live = (p: LoadProgress) =>
    runMessage(p.snapshot, true, {
      elapsedS: p.elapsedS,
      ...(p.fraction !== undefined ? { fraction: p.fraction } : {}),
    });
  const [first, last] = [snapshots[0], snapshots[snapshots.length - 1]];
  await host.send(live(first));
  await host.page.getByTestId('cancel').waitFor();
  assert.match(await host.text('run-status'), /^Running/);
  assert.equal(
    await host.page.getByTestId('export-json').getAttribute('disabled'),
    '',
    'no export before the run is saved',
  );
  await host.send(live(last));
  await host.page
    .getByTestId('summary-count')
    .filter({ hasText: new RegExp(`^${formatCount(last.snapshot.summary.count)}$`) })
    .waitFor();
  assert.ok(last.snapshot.summary.count > first.snapshot.summary.count);
  assert.ok((await host.drawnColours('chart-timeline')) >= 3);
  await host.screenshot('live');
  await host.page.getByTestId('cancel').click();
  assert.deepEqual((await host.posted()).at(-1), { type: 'cancel' });
  await host.send(runMessage(slow, false));
  await host.page
    .getByTestId('run-status')
    .filter({ hasText: /^Complete/ })
    .waitFor();
  assert.equal(await host.page.getByTestId('cancel').count(), 0, 'no Cancel once the run is over');
  assert.equal(await host.page.getByTestId('export-json').getAttribute('disabled'), null);
  assert.equal(await host.text('summary-count'), formatCount(slow.summary.count));
  assert.deepEqual((await host.states()).at(-1), { kind: 'run', runIds: [slow.id] });
});

test('a finished run: 10 requests, p99 as recorded, status 200 × 10, charts drawn, state saved', async () => {
  await host.send(runMessage(tenRun, false));
  await host.page.getByTestId('run-title').filter({ hasText: 'ten at c=10' }).waitFor();
  assert.equal(await host.page.getByTestId('cancel').count(), 0, 'no Cancel once the run is over');
  assert.equal(await host.text('summary-count'), '10');
  assert.equal(await host.text('summary-ok'), '10');
  assert.equal(await host.text('summary-p99'), formatMs(tenRun.summary.latencyMs.p99));
  assert.ok(tenRun.summary.latencyMs.p99 >= 99, `p99 ${tenRun.summary.latencyMs.p99}`);
  assert.equal(await host.text('summary-p50'), formatMs(tenRun.summary.latencyMs.p50));
  assert.match(await host.text('status-codes-200'), /^200\s+10$/);
  assert.match(await host.text('error-kinds'), /No errors/);
  assert.match(await host.text('run-target'), new RegExp(`^GET ${srv.url.replace(/[.?]/g, '\\$&')}`));
  assert.match(await host.text('run-config'), /concurrency 10 · 10 requests/);
  assert.match(await host.text('run-status'), /^Complete/);
  for (const chart of ['chart-histogram', 'chart-percentiles', 'chart-timeline']) {
    const distinct = await host.drawnColours(chart);
    assert.ok(distinct >= 3, `${chart}: ${distinct} colours drawn`);
  }
  assert.deepEqual((await host.states()).at(-1), { kind: 'run', runIds: [tenRun.id] });
  await host.page.getByTestId('export-csv').click();
  assert.deepEqual((await host.posted()).at(-1), { type: 'export', runIds: [tenRun.id], format: 'csv' });
  await host.screenshot('run');
});

test('a theme switch redraws the charts in the new foreground colour', async () => {
  const magenta: [number, number, number] = [255, 0, 255];
  assert.equal((await host.canvasColours('chart-percentiles', magenta)).near, 0);
  await host.page.evaluate(
    `document.documentElement.style.setProperty('--vscode-editor-foreground', '#ff00ff'); document.body.classList.replace('vscode-dark', 'vscode-light')`,
  );
  let after = await host.canvasColours('chart-percentiles', magenta);
  for (let i = 0; i < 50 && after.near <= 20; i++) {
    await host.page.waitForTimeout(100);
    after = await host.canvasColours('chart-percentiles', magenta);
  }
  assert.ok(after.near > 20, `${after.near} magenta pixels after the theme change`);
  await host.screenshot('theme-light');
});

test('switching between two dark themes (same kind: only the theme id and the --vscode-* variables change) redraws in the new colours; unrelated style churn does not rebuild', async () => {
  const chart = 'chart-percentiles';
  const yellow: [number, number, number] = [255, 255, 0];
  const magenta: [number, number, number] = [255, 0, 255];
  /** Marks the chart's current canvas; uPlot draws on a new canvas whenever the chart is rebuilt. */
  const tag = () =>
    host.page.evaluate(`document.querySelector('[data-testid="${chart}"] canvas').dataset.tag = 'before'`);
  const sameCanvas = () =>
    host.page.evaluate<boolean>(`document.querySelector('[data-testid="${chart}"] canvas')?.dataset.tag === 'before'`);
  /** Applies a theme as VS Code's webview host does: the theme attributes on <body>, then the variables on <html>. */
  const applyTheme = (kind: string, id: string, vars: Record<string, string>) =>
    host.page.evaluate(`(() => {
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add(${JSON.stringify(kind)});
    document.body.dataset.vscodeThemeKind = ${JSON.stringify(kind)};
    document.body.dataset.vscodeThemeId = ${JSON.stringify(id)};
    for (const [k, v] of Object.entries(${JSON.stringify(vars)})) document.documentElement.style.setProperty(k, v);
  })()`);
  const poll = async (colour: [number, number, number], done: (near: number) => boolean): Promise<number> => {
    let near = (await host.canvasColours(chart, colour)).near;
    for (let i = 0; i < 50 && !done(near); i++) {
      await host.page.waitForTimeout(100);
      near = (await host.canvasColours(chart, colour)).near;
    }
    return near;
  };

  // Dark Modern (a kind switch from the light theme the previous test left, which already redraws).
  await applyTheme('vscode-dark', 'Default Dark Modern', {
    '--vscode-editor-foreground': '#d4d4d4',
    '--vscode-charts-blue': '#3794ff',
  });
  assert.equal(await poll(magenta, (n) => n === 0), 0, 'the magenta foreground is gone');
  assert.equal((await host.canvasColours(chart, yellow)).near, 0);

  // Unrelated variables churn (VS Code rewrites the whole style attribute for many reasons): no rebuild.
  await tag();
  await host.page.evaluate(
    `document.documentElement.style.setProperty('--vscode-button-background', '#0e639c'); document.documentElement.style.setProperty('--vscode-scrollbar-shadow', '#000000')`,
  );
  await host.page.waitForTimeout(300);
  assert.ok(await sameCanvas(), 'a style change that leaves the chart colours alone does not rebuild the chart');

  // Another dark theme: same class and kind, a different id and variables.
  await applyTheme('vscode-dark', 'Monokai', {
    '--vscode-editor-foreground': '#ffff00',
    '--vscode-charts-blue': '#66d9ef',
  });
  assert.equal(await host.page.evaluate('document.body.className'), 'vscode-dark', 'the theme kind did not change');
  const near = await poll(yellow, (n) => n > 20);
  assert.ok(near > 20, `${near} yellow pixels after switching to the second dark theme`);
  assert.equal(await sameCanvas(), false, 'the chart was rebuilt with the new palette');
  assert.deepEqual(host.errors, []);
  await host.screenshot('theme-dark-second');
});

test('a failed run (refused port) shows why and its error kinds; a client-bound run warns', async () => {
  assert.equal(refused.status, 'failed');
  await host.send(runMessage(refused, false));
  await host.page
    .getByTestId('run-status')
    .filter({ hasText: /^Failed/ })
    .waitFor();
  assert.equal(await host.text('run-status'), `Failed: ${refused.failure}`);
  assert.match(await host.text('error-kinds-refused'), /^refused\s+4$/);
  assert.equal(await host.text('summary-p99'), '–', 'no latency recorded: a dash, not 0 ms');
  assert.equal(await host.page.getByTestId('client-bound-warning').count(), 0);
  await host.screenshot('failed');
  await host.send(runMessage({ ...tenRun, clientBound: true }, false));
  await host.page.getByTestId('client-bound-warning').waitFor();
});

test('a run of 404s (ok = count, as today\'s engine records it) shows a red banner with the statuses, not "Complete" and "No errors"', async () => {
  const notFound = syntheticRun({
    label: 'all 404',
    latenciesMs: latencies(10, 40, 48),
    statusCodes: { '404': 10 },
    errorKinds: { timeout: 2 },
    errorSamples: { timeout: 'no response within 10 s' },
  });
  await host.send(runMessage(notFound, false));
  await host.page.getByTestId('failure-banner').waitFor();
  assert.match(
    await host.text('failure-banner'),
    /No request got an expected response \(200-399\): 10 × 404, 2 × timeout/,
  );
  assert.equal(await host.text('failure-status-404'), '10 × status 404');
  assert.equal(await host.text('failure-error-timeout'), '2 × timeout — no response within 10 s');
  assert.doesNotMatch(await host.text('run-status'), /^Complete/);
  assert.equal(await host.text('summary-ok'), '0');
  assert.equal(await host.text('summary-errors'), '12');
  assert.doesNotMatch(await host.text('error-kinds'), /^No errors/);
  const colour = await host.page.evaluate<string>(
    `getComputedStyle(document.querySelector('[data-testid="failure-banner"]')).borderLeftColor`,
  );
  assert.match(colour, /^rgb\((2[0-9]{2}), ([0-9]{1,2}|1[0-2][0-9]), ([0-9]{1,2}|1[0-2][0-9])\)$/, `red: ${colour}`);
  await host.screenshot('failed-404');
  await host.send(runMessage(tenRun, false));
  await host.page.getByTestId('run-title').filter({ hasText: 'ten at c=10' }).waitFor();
  assert.equal(await host.page.getByTestId('failure-banner').count(), 0, 'no banner on a run of 200s');
});

test('compare: the faster run gets a better p50 with its delta, overlaid charts, config differences', async () => {
  const m = compareMessage([slow, fast]);
  assert.equal(m.type, 'compare');
  await host.send(m);
  await host.page.getByTestId('compare-table').waitFor();
  const p50 = m.type === 'compare' ? m.comparison.rows.find((r) => r.metric === 'p50') : undefined;
  assert.equal(p50?.verdicts[1], 'better', 'compareRuns judges 10 ms vs 40 ms better');
  assert.equal(await host.text('verdict-p50'), 'better');
  assert.match((await host.page.getByTestId('verdict-p50').getAttribute('class')) ?? '', /verdict-better/);
  assert.match(await host.text('delta-p50'), /^−\d+\.\d%$/);
  assert.deepEqual(
    await host.page.getByTestId('compare-row-p50').getByTestId('compare-value').allInnerTexts(),
    [slow, fast].map((r) => formatMs(r.summary.latencyMs.p50)),
  );
  assert.match(await host.text('compare-legend'), /slow 40 ms \(baseline\)[\s\S]*fast 10 ms/);
  assert.match(await host.text('config-diff-url'), /ms=40[\s\S]*ms=10/);
  assert.match(await host.text('compare-method'), /bootstrap/);
  for (const chart of ['chart-histogram', 'chart-percentiles']) {
    const distinct = await host.drawnColours(chart);
    assert.ok(distinct >= 3, `${chart}: ${distinct} colours drawn`);
  }
  assert.deepEqual((await host.states()).at(-1), { kind: 'compare', runIds: [slow.id, fast.id] });
  await host.page.getByTestId('export-markdown').click();
  assert.deepEqual((await host.posted()).at(-1), { type: 'export', runIds: [slow.id, fast.id], format: 'markdown' });
  await host.screenshot('compare');
});

test('an error message shows in a banner; nothing broke the CSP or threw', async () => {
  await host.send({ type: 'error', message: 'These results cannot be restored: run file abc.json is corrupt' });
  assert.equal(await host.text('error'), 'These results cannot be restored: run file abc.json is corrupt');
  assert.deepEqual(await host.cspViolations(), []);
  assert.deepEqual(host.errors, []);
});
