// Compare at a glance with many runs: every run has a unique name that says what it was (not a
// run id, not the same "GET /items" seven times), seven runs fit the panel's width as rows, no
// two runs share a colour, and a short run's throughput difference gets a verdict.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunRecord } from '../../src/core/model';
import { compareMessage } from '../../src/vscode/resultsModel';
import { syntheticRun } from '../unit/vscode-records';
import { FakeHost } from './fakeHost';

let host: FakeHost;
before(async () => {
  host = await FakeHost.open('compare-many');
});
after(async () => {
  await host?.close();
});

const latencies = (ms: number, n = 200): number[] => Array.from({ length: n }, (_, i) => ms + (i % 7) * 0.3);
/** Runs of one route in the same minute, told apart only by server and concurrency. */
function runs(count: number): RunRecord[] {
  const servers = [
    { command: 'uvicorn main:app', workers: 1 },
    { command: 'uvicorn main:app --workers 4', workers: 4 },
    { command: 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app', workers: 4 },
    { command: 'hypercorn main:app', workers: 1 },
  ];
  return Array.from({ length: count }, (_, i) =>
    syntheticRun({
      id: `2026-01-01T12-00-0${i}-abcdef${i}`,
      latenciesMs: latencies(20 + i * 7),
      durationS: 4,
      concurrency: i % 2 ? 50 : 10,
      server: servers[i % servers.length],
      route: { path: '/items/{id}', file: 'main.py', line: 3 },
      createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, i)).toISOString(),
    }),
  );
}

test('seven runs: unique meaningful names, laid out as rows that fit, ten distinct colours', async () => {
  await host.page.setViewportSize({ width: 1000, height: 900 });
  const m = compareMessage(runs(7));
  await host.send(m);
  await host.page.getByTestId('compare-table').waitFor();
  const names = await host.page.getByTestId('compare-run-name').allInnerTexts();
  assert.equal(names.length, 7, 'one row per run');
  assert.equal(new Set(names).size, 7, `unique names: ${names.join(' | ')}`);
  for (const n of names) {
    assert.doesNotMatch(n, /abcdef/, 'not a run id');
    assert.match(n, /GET \/items\/\{id\}/, 'the route');
    assert.match(n, /c=(10|50)/, 'the load');
  }
  assert.match(names[0], /uvicorn main:app · 1 worker · c=10/);
  const header = await host.page.getByTestId('compare-table').locator('th').allInnerTexts();
  assert.equal(new Set(header).size, header.length, `no duplicate column titles: ${header.join(' | ')}`);
  const fits = await host.page.evaluate<{ table: number; body: number }>(`(() => ({
    table: document.querySelector('[data-testid="compare-table"]').getBoundingClientRect().right,
    body: document.documentElement.clientWidth,
  }))()`);
  assert.ok(fits.table <= fits.body, `the table fits: ${fits.table} px of ${fits.body} px`);
  const swatches = await host.page.evaluate<string[]>(
    `[...document.querySelectorAll('[data-testid="compare-legend"] .swatch')].map((s) => getComputedStyle(s).backgroundColor)`,
  );
  assert.equal(swatches.length, 7);
  assert.equal(new Set(swatches).size, 7, `seven colours: ${swatches.join(' ')}`);
  // Each non-baseline row carries its deltas and verdicts.
  assert.match(await host.text('verdict-p50-6'), /^(better|worse|same|inconclusive)$/);
  assert.match(await host.text('delta-p50-6'), /^[+−±]\d/);
  assert.deepEqual(host.errors, []);
  await host.screenshot('seven-runs-dark');
  await host.lightTheme();
  await host.page.waitForTimeout(200);
  await host.screenshot('seven-runs-light');
});

test('ten runs never share a colour; two runs keep the side-by-side table', async () => {
  const m = compareMessage(runs(10));
  await host.send(m);
  await host.page.getByTestId('compare-run-9').waitFor();
  const swatches = await host.page.evaluate<string[]>(
    `[...document.querySelectorAll('[data-testid="compare-legend"] .swatch')].map((s) => getComputedStyle(s).backgroundColor)`,
  );
  assert.equal(new Set(swatches).size, 10, swatches.join(' '));
  await host.send(compareMessage(runs(2)));
  await host.page.getByTestId('compare-row-p50').waitFor();
  const header = await host.page.getByTestId('compare-table').locator('th').allInnerTexts();
  assert.equal(new Set(header).size, header.length, `no duplicate column titles: ${header.join(' | ')}`);
  assert.ok(header[1].endsWith('(baseline)'));
  await host.screenshot('two-runs-light');
  assert.deepEqual(host.errors, []);
});
